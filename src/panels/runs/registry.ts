/**
 * One NotebookRuns per notebook path, fed by the bridge's events: a `run`
 * or `task` event goes to the model of its notebook. After every (re)connect
 * the models reload from the bridge, so nothing missed while the socket was
 * down (a bridge restart, say) stays missing.
 *
 * Also what the Pipeline section reads to colour its DAG (IRunStates).
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { IDisposable } from '@lumino/disposable';
import { BridgeEventBase, isRunEvent, isTaskEvent, RunWire, TaskWire } from '../../../core/src/protocol';
import type { BridgeConnection, IConnectionState } from '../../service/connection';
import type { IRunStates } from '../../tokens';
import { IRunsSource, normalizePath, NotebookRuns } from './model';

export class RunsRegistry implements IRunStates, IDisposable {
  constructor(
    private source: IRunsSource,
    private connection: Pick<BridgeConnection, 'event' | 'stateChanged' | 'state'>
  ) {
    connection.event.connect(this.onEvent, this);
    connection.stateChanged.connect(this.onState, this);
  }

  /** The model of a notebook (created and loaded on first use). */
  get(path: string): NotebookRuns {
    const key = normalizePath(path);
    let model = this.models.get(key);
    if (!model) {
      model = new NotebookRuns(key, this.source);
      this.models.set(key, model);
      model.changed.connect(() => this._changed.emit(key));
      model.finished.connect((_, done) => this._finished.emit({ ...done, notebook: key }));
      if (this.connection.state.status === 'connected') {
        void model.load();
      }
    }
    return model;
  }

  /** Emits the notebook path whose runs changed. */
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  /** A run seen going has ended (notifications). */
  get finished(): ISignal<this, { notebook: string; run: RunWire; tasks: TaskWire[] }> {
    return this._finished;
  }

  statesOf(path: string): ReadonlyMap<string, string> | null {
    const model = this.models.get(normalizePath(path));
    return model?.selected ? model.states() : null;
  }

  selectRun(path: string, run: string): Promise<void> {
    return this.get(path).select(run);
  }

  /** Set by the plugin: open a task's detail view. */
  taskOpener: ((notebook: string, run: string, task: string) => void) | null = null;

  openTask(path: string, task: string): boolean {
    const model = this.models.get(normalizePath(path));
    const run = model?.selected;
    if (!model || !run || !this.taskOpener || !model.tasks.some(t => t.name === task)) {
      return false;
    }
    this.taskOpener(model.path, run.id, task);
    return true;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this.connection.event.disconnect(this.onEvent, this);
    this.connection.stateChanged.disconnect(this.onState, this);
    Signal.clearData(this);
  }

  private onEvent(_: unknown, event: BridgeEventBase): void {
    if (isRunEvent(event)) {
      const notebook = event.run.notebook;
      if (notebook !== null) {
        this.models.get(normalizePath(notebook))?.onRunEvent(event);
      }
    } else if (isTaskEvent(event) && event.notebook !== null) {
      this.models.get(normalizePath(event.notebook))?.onTaskEvent(event);
    }
  }

  private onState(_: unknown, state: IConnectionState): void {
    const up = state.status === 'connected';
    if (up && !this.wasUp) {
      this.models.forEach(model => void model.load());
    }
    this.wasUp = up;
  }

  private models = new Map<string, NotebookRuns>();
  private wasUp = false;
  private _disposed = false;
  private _changed = new Signal<this, string>(this);
  private _finished = new Signal<this, { notebook: string; run: RunWire; tasks: TaskWire[] }>(this);
}
