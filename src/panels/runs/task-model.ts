/**
 * One task of one run, for its detail view: the task record (live, from the
 * notebook's runs), its log (followed while the task runs) and its outputs
 * (fetched once it has ended).
 */
import { VDomModel } from '@jupyterlab/ui-components';
import type { RunWire, TaskOutputsWire, TaskWire } from '../../../core/src/protocol';
import type { RunsClient } from '../../service/runs';
import type { NotebookRuns } from './model';

/** Task states after which nothing more is written. */
const ENDED = ['succeeded', 'failed', 'skipped', 'cancelled', 'interrupted'];

export class TaskModel extends VDomModel {
  constructor(
    readonly runs: NotebookRuns,
    readonly runId: string,
    readonly taskName: string,
    private client: Pick<RunsClient, 'logs' | 'outputs'>
  ) {
    super();
    runs.changed.connect(this.onRunsChanged, this);
  }

  get run(): RunWire | null {
    return this.runs.runs.find(r => r.id === this.runId) ?? null;
  }

  get task(): TaskWire | null {
    return this.runs.tasksOf(this.runId).find(t => t.name === this.taskName) ?? null;
  }

  get log(): string {
    return this._log;
  }

  /** True while the log is being followed. */
  get following(): boolean {
    return this._following;
  }

  get outputs(): TaskOutputsWire | null {
    return this._outputs;
  }

  get error(): string {
    return this._error;
  }

  /** Follow the log until the task ends, then fetch the outputs. */
  async start(): Promise<void> {
    this._following = true;
    this.stateChanged.emit();
    try {
      await this.client.logs(this.runId, this.taskName, {
        signal: this.abort.signal,
        onChunk: text => {
          this._log += text;
          this.stateChanged.emit();
        }
      });
    } catch (err) {
      this._error = err instanceof Error ? err.message : String(err);
    }
    this._following = false;
    if (!this.isDisposed) {
      this.stateChanged.emit();
      await this.fetchOutputs();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.abort.abort();
    this.runs.changed.disconnect(this.onRunsChanged, this);
    super.dispose();
  }

  private async fetchOutputs(): Promise<void> {
    if (this.fetched || !ENDED.includes(this.task?.state ?? '')) {
      return;
    }
    this.fetched = true;
    try {
      this._outputs = (await this.client.outputs(this.runId)).tasks[this.taskName] ?? null;
    } catch (err) {
      this._error = err instanceof Error ? err.message : String(err);
    }
    if (!this.isDisposed) {
      this.stateChanged.emit();
    }
  }

  private onRunsChanged(): void {
    this.stateChanged.emit();
    if (!this._following) {
      void this.fetchOutputs();
    }
  }

  private abort = new AbortController();
  private fetched = false;
  private _log = '';
  private _following = false;
  private _outputs: TaskOutputsWire | null = null;
  private _error = '';
}
