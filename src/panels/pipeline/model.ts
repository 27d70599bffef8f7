/**
 * The pipeline section's state: the active notebook's PipelineModel, what
 * the section shows of it (mode, DAG nodes and their layout, problems,
 * settings errors) and the user's actions on it. Follows the active
 * notebook; re-renders when its (debounced) analysis changes.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import { VDomModel } from '@jupyterlab/ui-components';
import type { ISignal } from '@lumino/signaling';
import { isObject } from '../../../core/src/annotations';
import { taskName } from '../../../core/src/names';
import { METADATA_KEY, PipelineGraph, PipelineSettings, Problem } from '../../../core/src/types';
import { AnnotationError, PipelineModel } from '../../pipeline/model';
import type { IRunStates } from '../../tokens';
import { DagLayouter, IDagLayout, stepsOf } from './layout';

/** Where the section gets the active notebook from (a PipelineTracker). */
export interface IPipelineSource {
  readonly current: PipelineModel | null;
  readonly currentPanel: NotebookPanel | null;
  readonly currentChanged: ISignal<unknown, PipelineModel | null>;
}

/**
 * `none`: no notebook; `off`: not in pipeline mode; `kale`: read from Kale
 * tags only; `on`: our annotations.
 */
export type PanelMode = 'none' | 'off' | 'kale' | 'on';

/** The notebook-wide settings the section edits. */
export type SettingField = 'name' | 'description' | 'experiment' | 'image';
export const SETTING_FIELDS: readonly SettingField[] = ['name', 'description', 'experiment', 'image'];

/** What a DAG node shows besides its geometry. */
export interface IDagNodeInfo {
  name: string;
  firstCell: number | null;
  needs: string[];
  gives: string[];
  /** The step has an error problem. */
  error: boolean;
}

export class PipelinePanelModel extends VDomModel {
  constructor(
    private source: IPipelineSource,
    private runs: IRunStates | null = null
  ) {
    super();
    source.currentChanged.connect(this.onCurrentChanged, this);
    runs?.changed.connect(this.onRunsChanged, this);
    this.follow(source.current);
  }

  /** The active notebook's pipeline model, or null. */
  get pipeline(): PipelineModel | null {
    return this._pipeline;
  }

  get mode(): PanelMode {
    const p = this._pipeline;
    if (!p) {
      return 'none';
    }
    if (!p.enabled || (p.dialect === 'none' && p.notebook.getMetadata(METADATA_KEY) === undefined)) {
      return 'off';
    }
    return p.dialect === 'kale' ? 'kale' : 'on';
  }

  get graph(): PipelineGraph | null {
    return this._pipeline?.graph ?? null;
  }

  /** The DAG geometry: the same object while the graph's structure is unchanged. */
  get layout(): IDagLayout | null {
    return this._layout;
  }

  /** Per-step facts for the DAG nodes, by step name. */
  get nodes(): ReadonlyMap<string, IDagNodeInfo> {
    return this._nodes;
  }

  get problems(): Problem[] {
    return this.graph?.problems ?? [];
  }

  get settings(): PipelineSettings {
    return this._pipeline?.settings ?? {};
  }

  /** The last refused edit of each settings field. */
  get settingErrors(): Partial<Record<SettingField, string>> {
    return this._settingErrors;
  }

  /** The layouter (exposed so tests can count dagre runs). */
  readonly layouter = new DagLayouter();

  enable(): void {
    this._pipeline?.enable();
  }

  convertFromKale(): void {
    this._pipeline?.convertFromKale();
  }

  /**
   * Set one notebook-wide setting (empty: remove it, the default applies).
   * Returns false, writes nothing and records the error when refused.
   * Other stored fields, even ones we do not know, are kept as they are.
   */
  setSetting(field: SettingField, value: string): boolean {
    const p = this._pipeline;
    if (!p) {
      return false;
    }
    value = value.trim();
    const raw = p.notebook.getMetadata(METADATA_KEY);
    const current = isObject(raw) ? raw[field] : undefined;
    if ((current ?? '') === value) {
      return this.settle(field, null);
    }
    if (raw !== undefined && !isObject(raw)) {
      return this.settle(field, `notebook metadata "${METADATA_KEY}" is not an object; fix it in the notebook metadata first`);
    }
    const problem = checkSetting(field, value);
    if (problem) {
      return this.settle(field, problem);
    }
    const next: { [key: string]: unknown } = { ...(raw ?? {}) };
    if (value) {
      next[field] = value;
    } else {
      delete next[field];
    }
    try {
      p.setSettings(next as PipelineSettings);
    } catch (error) {
      if (error instanceof AnnotationError) {
        return this.settle(field, error.message);
      }
      throw error;
    }
    return this.settle(field, null);
  }

  /** Make a cell active and scroll it into view. */
  jumpToCell(index: number): void {
    const panel = this.source.currentPanel;
    if (!panel || index < 0 || index >= panel.content.widgets.length) {
      return;
    }
    panel.content.activeCellIndex = index;
    void panel.content.scrollToItem(index, 'smart');
  }

  /** Task state of each step in the notebook's selected run (by step name), or null. */
  get states(): ReadonlyMap<string, string> | null {
    const path = this.source.currentPanel?.context.localPath;
    const byTask = path ? this.runs?.statesOf(path) : null;
    if (!byTask) {
      return null;
    }
    return new Map([...this._nodes.keys()].flatMap(step => {
      const state = byTask.get(taskName(step));
      return state ? [[step, state] as [string, string]] : [];
    }));
  }

  /** A click on a step: its task in the selected run, else its first cell. */
  selectStep(name: string): void {
    const path = this.source.currentPanel?.context.localPath;
    if (!path || !this.runs?.openTask(path, taskName(name))) {
      this.jumpToStep(name);
    }
  }

  /** Jump to a step's first cell. */
  jumpToStep(name: string): void {
    const cell = this._nodes.get(name)?.firstCell;
    if (cell !== null && cell !== undefined) {
      this.jumpToCell(cell);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.source.currentChanged.disconnect(this.onCurrentChanged, this);
    this.runs?.changed.disconnect(this.onRunsChanged, this);
    this._pipeline?.changed.disconnect(this.onGraphChanged, this);
    super.dispose();
  }

  private settle(field: SettingField, error: string | null): boolean {
    const next = { ...this._settingErrors };
    if (error) {
      next[field] = error;
    } else {
      delete next[field];
    }
    this._settingErrors = next;
    this.stateChanged.emit();
    return error === null;
  }

  private onCurrentChanged(_: unknown, model: PipelineModel | null): void {
    this.follow(model);
  }

  private follow(model: PipelineModel | null): void {
    if (model === this._pipeline) {
      return;
    }
    this._pipeline?.changed.disconnect(this.onGraphChanged, this);
    this._pipeline = model && !model.isDisposed ? model : null;
    this._pipeline?.changed.connect(this.onGraphChanged, this);
    this._settingErrors = {};
    this.update();
  }

  private onRunsChanged(): void {
    this.stateChanged.emit();
  }

  private onGraphChanged(): void {
    this.update();
  }

  private update(): void {
    const graph = this.graph;
    if (!graph) {
      this._layout = null;
      this._nodes = new Map();
    } else {
      const steps = stepsOf(graph);
      this._layout = this.layouter.layout(steps);
      const failing = new Set<string>();
      const failingCells = new Set<number>();
      for (const p of graph.problems) {
        if (p.severity === 'error') {
          if (p.step) {
            failing.add(p.step);
          }
          if (p.cell !== null) {
            failingCells.add(p.cell);
          }
        }
      }
      this._nodes = new Map(
        steps.map(step => [
          step.name,
          {
            name: step.name,
            firstCell: step.cells.length ? step.cells[0] : null,
            needs: [...step.inputs, ...step.parameters],
            gives: step.outputs,
            error: failing.has(step.name) || step.cells.some(c => failingCells.has(c))
          }
        ])
      );
    }
    this.stateChanged.emit();
  }

  private _pipeline: PipelineModel | null = null;
  private _layout: IDagLayout | null = null;
  private _nodes: ReadonlyMap<string, IDagNodeInfo> = new Map();
  private _settingErrors: Partial<Record<SettingField, string>> = {};
}

/** Checks beyond the settings reader's (which accepts any string). */
export function checkSetting(field: SettingField, value: string): string | null {
  if (field === 'name' && value && !taskName(value)) {
    return `pipeline name ${JSON.stringify(value)} needs at least one letter or digit`;
  }
  if (field === 'image' && /\s/.test(value)) {
    return `image ${JSON.stringify(value)} must not contain spaces`;
  }
  return null;
}
