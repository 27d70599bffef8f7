/**
 * Following kubeflow runs: poll `GET /runs/{id}` as the user who started the
 * run, with backoff (1 s, doubling to 10 s; back to 1 s when something
 * changed), commit what changed to the store, then publish it as the same
 * `run` and `task` events the local engine sends. Stops at a terminal state.
 * A failed poll (KFP down, a token refused) is logged and retried; only a
 * run KFP no longer has ends as failed.
 */
import type { Logger } from '../../log';
import type { Store } from '../local/store';
import { EngineEvent, FINISHED_RUN_STATES, FINISHED_TASK_STATES, RunWithTasks, TaskRecord } from '../local/types';
import type { KfpClient } from './client';
import { KfpError } from './errors';
import { isTerminal, runErrorOf, runStateOf, taskPatches, timeOf } from './states';
import type { KfpRun } from './wire';

export interface FollowOptions {
  initialMs: number;
  maxMs: number;
}

type Entry = { timer: NodeJS.Timeout | null; delay: number; busy: Promise<void> | null };

export class Follower {
  private entries = new Map<string, Entry>();
  private options: FollowOptions;

  constructor(
    private client: KfpClient,
    private store: Store,
    private emit: (event: EngineEvent) => void,
    private log: Logger,
    options: Partial<FollowOptions> = {}
  ) {
    this.options = { initialMs: options.initialMs ?? 1000, maxMs: options.maxMs ?? 10_000 };
  }

  /** Start following (`again`: restart the backoff of a run already followed). */
  follow(id: string, again = false): void {
    const entry = this.entries.get(id);
    if (entry && !again) {
      return;
    }
    if (entry?.timer) {
      clearTimeout(entry.timer);
    }
    const next: Entry = entry ?? { timer: null, delay: this.options.initialMs, busy: null };
    next.delay = this.options.initialMs;
    this.entries.set(id, next);
    this.schedule(id, next);
  }

  /** Poll now (after a terminate, say), whether or not the run is followed. */
  async refresh(id: string): Promise<void> {
    const entry = this.entries.get(id);
    await (entry?.busy ?? this.poll(id));
  }

  stopAll(): void {
    for (const entry of this.entries.values()) {
      if (entry.timer) {
        clearTimeout(entry.timer);
      }
    }
    this.entries.clear();
  }

  emitRun(id: string): void {
    const run = this.store.getRun(id);
    if (run) {
      const { tasks: _tasks, ...record } = run;
      this.emit({ type: 'run', run: record });
    }
  }

  private schedule(id: string, entry: Entry): void {
    entry.timer = setTimeout(() => {
      entry.timer = null;
      entry.busy = this.poll(id).then(changed => {
        entry.busy = null;
        if (this.entries.get(id) !== entry) {
          return; // stopped meanwhile
        }
        const run = this.store.getRun(id);
        if (!run || FINISHED_RUN_STATES.includes(run.state)) {
          this.entries.delete(id);
          return;
        }
        entry.delay = changed ? this.options.initialMs : Math.min(entry.delay * 2, this.options.maxMs);
        this.schedule(id, entry);
      });
    }, entry.delay);
    entry.timer.unref?.();
  }

  /** One poll; true when something changed. Never rejects. */
  private async poll(id: string): Promise<boolean> {
    const run = this.store.getRun(id);
    if (!run?.remote || FINISHED_RUN_STATES.includes(run.state)) {
      return false;
    }
    try {
      const kfp = await this.client.getRun(run.user ?? '', run.remote.runId);
      return this.apply(run, kfp);
    } catch (err) {
      if (err instanceof KfpError && err.upstream === 404) {
        this.store.updateRun(id, {
          state: 'failed', finishedAt: Date.now(), error: { message: `Kubeflow Pipelines no longer has run ${run.remote.runId}` }
        });
        this.emitRun(id);
        return true;
      }
      this.log.warning('cannot follow a kubeflow run', { run: id, kfpRun: run.remote.runId, error: (err as Error).message });
      return false;
    }
  }

  /** Commits KFP's view of the run, then publishes what changed. */
  private apply(run: RunWithTasks, kfp: KfpRun): boolean {
    const patches = taskPatches(run.tasks, kfp.run_details?.task_details ?? []);
    const terminal = isTerminal(kfp.state);
    const state = runStateOf(kfp.state);
    if (terminal) {
      // Tasks KFP never got to: skipped after a failure, cancelled with the run.
      const leftover = state === 'failed' ? 'skipped' : state === 'cancelled' ? 'cancelled' : 'succeeded';
      for (const task of run.tasks) {
        const patched = { ...task, ...patches[task.name] } as TaskRecord;
        if (!FINISHED_TASK_STATES.includes(patched.state)) {
          patches[task.name] = { ...patches[task.name], state: leftover, finishedAt: patched.finishedAt ?? Date.now() };
        }
      }
    }
    const names = Object.keys(patches);
    if (names.length) {
      this.store.updateTasks(run.id, patches);
    }
    const tasks = this.store.getRun(run.id)?.tasks ?? run.tasks;
    const remoteState = kfp.state ?? 'RUNTIME_STATE_UNSPECIFIED';
    const runChanged = state !== run.state || remoteState !== run.remote!.state;
    if (runChanged) {
      this.store.updateRun(run.id, {
        state,
        startedAt: run.startedAt ?? (state !== 'pending' ? timeOf(kfp.created_at) ?? Date.now() : null),
        finishedAt: terminal ? timeOf(kfp.finished_at) ?? Date.now() : null,
        error: runErrorOf(kfp, tasks),
        remote: { ...run.remote!, state: remoteState }
      });
    }
    for (const name of names) {
      const task = tasks.find(t => t.name === name);
      if (task) {
        this.emit({ type: 'task', run: run.id, notebook: run.notebook, task });
      }
    }
    if (runChanged) {
      this.emitRun(run.id);
    }
    return runChanged || names.length > 0;
  }
}
