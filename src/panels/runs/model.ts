/**
 * The runs of one notebook: its history (an initial GET, then the bridge's
 * `run` and `task` events, so every page on the notebook sees the same runs
 * live), the selected run with its tasks (the DAG shows their states), and
 * the two runs picked for comparison.
 *
 * A new run of the notebook, started here or by a collaborator, is selected
 * unless the user is looking at another run that is still going.
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { RunEvent, RunWire, RunWithTasksWire, TaskEvent, TaskWire } from '../../../core/src/protocol';
import { ICompareRow, compareRuns } from './compare';
import { IProgress, isFinished, progressOf } from './progress';

/** What the model asks of the bridge (a RunsClient). */
export interface IRunsSource {
  list(notebook: string): Promise<RunWire[]>;
  get(id: string): Promise<RunWithTasksWire>;
}

/** Normalize a notebook path to the bridge's form (relative, '/' separated). */
export function normalizePath(path: string): string {
  return path.replace(/^[A-Za-z]+:(?!\/)/, '').replace(/^(\.?\/)+/, '');
}

export class NotebookRuns {
  constructor(
    readonly path: string,
    private source: IRunsSource
  ) {}

  /** Newest first. */
  get runs(): readonly RunWire[] {
    return this._runs;
  }

  get selected(): RunWire | null {
    return this._runs.find(r => r.id === this._selected) ?? null;
  }

  /** The selected run's tasks in plan order (empty until loaded). */
  get tasks(): TaskWire[] {
    return this._selected ? this.tasksOf(this._selected) : [];
  }

  /** Ids of the runs picked for comparison (at most two, oldest pick first). */
  get compared(): readonly string[] {
    return this._compared;
  }

  /** Emits on every change of runs, tasks, selection or comparison. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emits once when a run this model saw going reaches a final state. */
  get finished(): ISignal<this, { run: RunWire; tasks: TaskWire[] }> {
    return this._finished;
  }

  /** An error from the last load, for the view to show. */
  get error(): string {
    return this._error;
  }

  tasksOf(id: string): TaskWire[] {
    return [...(this._tasks.get(id)?.values() ?? [])].sort((a, b) => a.position - b.position);
  }

  /** State of each task of the selected run, by task name. */
  states(): Map<string, TaskWire['state']> {
    return new Map(this.tasks.map(t => [t.name, t.state]));
  }

  progress(now: number): IProgress | null {
    const run = this.selected;
    return run ? progressOf(run, this.tasks, now) : null;
  }

  /** (Re)load the history and the selected run's tasks from the bridge. */
  async load(): Promise<void> {
    try {
      const runs = await this.source.list(this.path);
      const byId = new Map(this._runs.map(r => [r.id, r]));
      for (const run of runs) {
        byId.set(run.id, run);
      }
      this._runs = [...byId.values()].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
      this._error = '';
      this._changed.emit();
      if (this._selected) {
        await this.fetchTasks(this._selected);
      }
    } catch (err) {
      this._error = err instanceof Error ? err.message : String(err);
      this._changed.emit();
    }
  }

  /** Select a run (null: none); its tasks are fetched when not known yet. */
  async select(id: string | null): Promise<void> {
    this._selected = id;
    this._changed.emit();
    if (id) {
      await this.fetchTasks(id);
    }
  }

  /** Add a run to, or take it out of, the comparison (the oldest pick leaves). */
  toggleCompare(id: string): void {
    this._compared = this._compared.includes(id)
      ? this._compared.filter(c => c !== id)
      : [...this._compared, id].slice(-2);
    this._changed.emit();
  }

  /** Rows comparing the two picked runs, or null unless two are picked. */
  compareRows(): ICompareRow[] | null {
    const [a, b] = this._compared.map(id => this._runs.find(r => r.id === id));
    return a && b ? compareRuns(a, b) : null;
  }

  /** A run the API just returned (start, rerun, cancel): known and selected. */
  adopt(run: RunWithTasksWire): void {
    const { tasks, ...record } = run;
    this.upsertRun(record);
    tasks.forEach(t => this.upsertTask(run.id, t));
    this._selected = run.id;
    this._changed.emit();
  }

  onRunEvent(event: RunEvent): void {
    const known = this._runs.find(r => r.id === event.run.id);
    this.upsertRun(event.run);
    if (!known && this.shouldFollow(event.run)) {
      void this.select(event.run.id);
    }
    if (known && !isFinished(known) && isFinished(event.run)) {
      this._finished.emit({ run: event.run, tasks: this.tasksOf(event.run.id) });
    }
    this._changed.emit();
  }

  onTaskEvent(event: TaskEvent): void {
    this.upsertTask(event.run, event.task);
    this._changed.emit();
  }

  private shouldFollow(run: RunWire): boolean {
    const current = this.selected;
    return !isFinished(run) && (!current || isFinished(current));
  }

  private async fetchTasks(id: string): Promise<void> {
    try {
      const run = await this.source.get(id);
      const { tasks, ...record } = run;
      this.upsertRun(record);
      // Events that arrived meanwhile are newer than the answer: keep them.
      const mine = this._tasks.get(id);
      for (const task of tasks) {
        const seen = mine?.get(task.name);
        if (!seen || rank(seen) <= rank(task)) {
          this.upsertTask(id, task);
        }
      }
      this._changed.emit();
    } catch (err) {
      this._error = err instanceof Error ? err.message : String(err);
      this._changed.emit();
    }
  }

  private upsertRun(run: RunWire): void {
    const i = this._runs.findIndex(r => r.id === run.id);
    if (i >= 0) {
      // A finished run never goes back to running (a late answer).
      if (!(isFinished(this._runs[i]) && !isFinished(run))) {
        this._runs[i] = run;
      }
    } else {
      this._runs = [run, ...this._runs].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
    }
  }

  private upsertTask(run: string, task: TaskWire): void {
    let tasks = this._tasks.get(run);
    if (!tasks) {
      tasks = new Map();
      this._tasks.set(run, tasks);
    }
    tasks.set(task.name, task);
  }

  private _runs: RunWire[] = [];
  private _tasks = new Map<string, Map<string, TaskWire>>();
  private _selected: string | null = null;
  private _compared: string[] = [];
  private _error = '';
  private _changed = new Signal<this, void>(this);
  private _finished = new Signal<this, { run: RunWire; tasks: TaskWire[] }>(this);
}

/** How far along a task record is: pending < running < finished. */
function rank(task: TaskWire): number {
  return task.state === 'pending' ? 0 : task.state === 'running' ? 1 : 2;
}
