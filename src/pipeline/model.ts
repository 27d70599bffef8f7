/**
 * The pipeline of one open notebook: its annotations, read live from the
 * shared notebook model, and the step graph the analysis derives from them,
 * recomputed (debounced) as anyone edits a cell, an annotation or the
 * notebook settings, including remote collaborators.
 *
 * Views render `graph` and call the actions below; nothing else writes our
 * metadata. Writes happen only on a user action, one cell's key at a time
 * (real-time collaboration merges per key), and only with a value the
 * annotation reader accepts, so a bad edit never lands in the notebook.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';
import {
  NotebookAnnotations,
  readAnnotations,
  readCellAnnotation,
  readPipelineSettings
} from '../../core/src/annotations';
import { createAnalyzer } from '../../core/src/analysis';
import { convertKaleAnnotations } from '../../core/src/kale';
import {
  CellAnnotation,
  METADATA_KEY,
  PipelineGraph,
  PipelineSettings,
  PipelineStep,
  Problem
} from '../../core/src/types';
import { notebookSnapshot } from './snapshot';

/** An edit that the annotation reader refused; nothing was written. */
export class AnnotationError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(p => p.message).join('\n'));
  }
}

export interface IPipelineModelOptions {
  /** The pipeline name when the notebook sets none: its file name. */
  defaultName: () => string;
  /** Milliseconds to wait after the last change before re-analysing. */
  debounce?: number;
}

export class PipelineModel implements IDisposable {
  constructor(
    readonly notebook: INotebookModel,
    private options: IPipelineModelOptions
  ) {
    notebook.cells.changed.connect(this.onCellsChanged, this);
    notebook.metadataChanged.connect(this.schedule, this);
    for (let i = 0; i < notebook.cells.length; i++) {
      this.watch(notebook.cells.get(i));
    }
    this.refresh();
  }

  /** The current step graph (recomputed after edits). */
  get graph(): PipelineGraph {
    return this._graph!;
  }

  /** Emits after `graph` was recomputed. */
  get changed(): ISignal<this, PipelineGraph> {
    return this._changed;
  }

  /**
   * Pipeline mode: on when the notebook has our settings or any annotated
   * cell (ours or Kale's).
   */
  get enabled(): boolean {
    return this._enabled;
  }

  /**
   * Which annotations the graph was read from: ours (`kubeflow`), Kale's
   * tags (no cell has ours yet), or none.
   */
  get dialect(): NotebookAnnotations['dialect'] {
    return this._dialect;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The step a cell belongs to, if any. */
  stepOfCell(index: number): PipelineStep | null {
    const steps = [...this.graph.steps, ...(this.graph.metricsStep ? [this.graph.metricsStep] : [])];
    return steps.find(step => step.cells.includes(index)) ?? null;
  }

  /** Problems placed on a cell. */
  problemsOfCell(index: number): Problem[] {
    return this.graph.problems.filter(p => p.cell === index);
  }

  /** The cell's annotation as stored (may be garbage: it is not validated here). */
  rawAnnotation(cell: ICellModel): unknown {
    return cell.getMetadata(METADATA_KEY);
  }

  /**
   * Set or clear (null) one cell's annotation. Throws AnnotationError, and
   * writes nothing, when the value would not read back cleanly.
   */
  setCellAnnotation(cell: ICellModel, annotation: CellAnnotation | null): void {
    if (annotation === null) {
      cell.deleteMetadata(METADATA_KEY);
    } else {
      const index = this.indexOf(cell);
      const problems: Problem[] = [];
      readCellAnnotation(annotation, index, problems);
      const errors = problems.filter(p => p.severity === 'error');
      if (errors.length) {
        throw new AnnotationError(errors);
      }
      cell.setMetadata(METADATA_KEY, JSON.parse(JSON.stringify(annotation)));
    }
    this.refreshNow();
  }

  /** Notebook-wide settings as stored and read (garbage dropped). */
  get settings(): PipelineSettings {
    return readPipelineSettings(this.notebook.getMetadata(METADATA_KEY), []);
  }

  /** Replace the notebook-wide settings; validated like cell annotations. */
  setSettings(settings: PipelineSettings): void {
    const problems: Problem[] = [];
    readPipelineSettings(settings, problems);
    const errors = problems.filter(p => p.severity === 'error');
    if (errors.length) {
      throw new AnnotationError(errors);
    }
    this.notebook.setMetadata(METADATA_KEY, JSON.parse(JSON.stringify(settings)));
    this.refreshNow();
  }

  /** Turn pipeline mode on: writes the (possibly empty) notebook settings. */
  enable(): void {
    if (this.notebook.getMetadata(METADATA_KEY) === undefined) {
      this.notebook.setMetadata(METADATA_KEY, {});
    }
    this.refreshNow();
  }

  /**
   * Write our annotations equivalent to the notebook's Kale tags (the tags
   * stay, so Kale still reads the notebook). One transaction, so
   * collaborators see it as one change.
   */
  convertFromKale(): void {
    const snapshot = notebookSnapshot(this.notebook);
    const converted = convertKaleAnnotations(snapshot);
    this.notebook.sharedModel.transact(() => {
      converted.cells.forEach((annotation, i) => {
        if (annotation) {
          this.notebook.cells.get(i).setMetadata(METADATA_KEY, annotation);
        }
      });
      const current = this.notebook.getMetadata(METADATA_KEY) ?? {};
      this.notebook.setMetadata(METADATA_KEY, { ...converted.notebook, ...(current as object) });
    });
    this.refreshNow();
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this.notebook.cells.changed.disconnect(this.onCellsChanged, this);
    this.notebook.metadataChanged.disconnect(this.schedule, this);
    Signal.clearData(this);
  }

  /** Re-analyse now (after our own writes, so views update at once). */
  refreshNow(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this.refresh();
  }

  private indexOf(cell: ICellModel): number {
    for (let i = 0; i < this.notebook.cells.length; i++) {
      if (this.notebook.cells.get(i) === cell) {
        return i;
      }
    }
    return -1;
  }

  private watch(cell: ICellModel): void {
    if (this._watched.has(cell)) {
      return;
    }
    this._watched.add(cell);
    cell.contentChanged.connect(this.schedule, this);
    cell.metadataChanged.connect(this.schedule, this);
  }

  private onCellsChanged(): void {
    for (let i = 0; i < this.notebook.cells.length; i++) {
      this.watch(this.notebook.cells.get(i));
    }
    this.schedule();
  }

  private schedule(): void {
    if (this._disposed) {
      return;
    }
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      this.refresh();
    }, this.options.debounce ?? 150);
  }

  private refresh(): void {
    if (this._disposed) {
      return;
    }
    const snapshot = notebookSnapshot(this.notebook);
    this._enabled =
      this.notebook.getMetadata(METADATA_KEY) !== undefined ||
      snapshot.cells.some(
        c =>
          c.metadata[METADATA_KEY] !== undefined ||
          (Array.isArray(c.metadata.tags) && c.metadata.tags.length > 0)
      );
    this._dialect = readAnnotations(snapshot).dialect;
    this._graph = this._analyzer.analyze(snapshot, { defaultName: this.options.defaultName() });
    this._changed.emit(this._graph);
  }

  private _analyzer = createAnalyzer();
  private _graph: PipelineGraph | null = null;
  private _enabled = false;
  private _dialect: NotebookAnnotations['dialect'] = 'none';
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _watched = new WeakSet<ICellModel>();
  private _disposed = false;
  private _changed = new Signal<this, PipelineGraph>(this);
}
