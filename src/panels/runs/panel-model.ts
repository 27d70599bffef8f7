/**
 * The Runs section's state: the runs of the active notebook (a
 * NotebookRuns from the registry) and a clock that ticks each second while
 * the selected run is going, so the elapsed time counts up.
 */
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { VDomModel } from '@jupyterlab/ui-components';
import type { NotebookRuns } from './model';
import { isFinished } from './progress';
import type { RunsRegistry } from './registry';

export class RunsPanelModel extends VDomModel {
  constructor(
    private registry: RunsRegistry,
    private notebooks: Pick<INotebookTracker, 'currentWidget' | 'currentChanged'>
  ) {
    super();
    notebooks.currentChanged.connect(this.follow, this);
    registry.changed.connect(this.onRunsChanged, this);
    this.follow();
  }

  /** The active notebook's runs, or null without a notebook. */
  get runs(): NotebookRuns | null {
    return this._runs;
  }

  get panel(): NotebookPanel | null {
    return this.notebooks.currentWidget;
  }

  /** The time the view shows progress at. */
  get now(): number {
    return this._now;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.stopClock();
    this.notebooks.currentChanged.disconnect(this.follow, this);
    this.registry.changed.disconnect(this.onRunsChanged, this);
    super.dispose();
  }

  private follow(): void {
    const panel = this.notebooks.currentWidget;
    this._runs = panel ? this.registry.get(panel.context.localPath) : null;
    this.onRunsChanged(null, this._runs?.path ?? '');
  }

  private onRunsChanged(_: unknown, path: string): void {
    if (!this._runs || path !== this._runs.path) {
      if (!this._runs) {
        this.stopClock();
        this.stateChanged.emit();
      }
      return;
    }
    this._now = Date.now();
    const selected = this._runs.selected;
    if (selected && !isFinished(selected)) {
      this.startClock();
    } else {
      this.stopClock();
    }
    this.stateChanged.emit();
  }

  private startClock(): void {
    if (this._timer === null) {
      this._timer = setInterval(() => {
        this._now = Date.now();
        this.stateChanged.emit();
      }, 1000);
    }
  }

  private stopClock(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  private _runs: NotebookRuns | null = null;
  private _now = Date.now();
  private _timer: ReturnType<typeof setInterval> | null = null;
}
