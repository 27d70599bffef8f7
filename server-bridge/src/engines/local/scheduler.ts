/**
 * The walk over a plan: tasks start as soon as everything they depend on
 * has succeeded, up to `parallelism` at once; a failed attempt is retried
 * per the task's retryPolicy (with its backoff); once a task has failed for
 * good no new task starts (Argo's failFast, as on KFP), the tasks already
 * running finish, and every task not started is skipped; cancel stops
 * running attempts and cancels the rest.
 *
 * The scheduler decides *what* runs *when*; the engine's task runner does
 * one attempt and records it (state, pid, timings) in the store.
 */
import type { RetryPolicy, TaskPlan } from './ir';
import type { TaskError, TaskRecord, TaskState } from './types';

export interface AttemptOutcome {
  state: 'succeeded' | 'failed' | 'cancelled';
  error?: TaskError;
}

export interface SchedulerHooks {
  /**
   * Runs one attempt and records it. On failure the runner marks the task
   * `failed` only when `last`; otherwise it stays `running` for the retry.
   */
  attempt(task: TaskPlan, attempt: number, last: boolean, signal: AbortSignal): Promise<AttemptOutcome>;
  /** Records state changes of tasks that did not run (skipped, cancelled). */
  mark(patches: { [task: string]: Partial<TaskRecord> }): void;
}

export interface SchedulerResult {
  state: 'succeeded' | 'failed' | 'cancelled';
  error: TaskError | null;
}

/** Seconds to wait before attempt `next` (2, 3, ...) under `policy`. */
export function backoffSeconds(policy: RetryPolicy, next: number): number {
  const delay = policy.backoffSeconds * Math.pow(policy.backoffFactor, next - 2);
  return Math.min(delay, policy.backoffMaxSeconds);
}

export class Scheduler {
  private states = new Map<string, TaskState>();
  private running = new Set<string>();
  private abort = new AbortController();
  private failure: TaskError | null = null;
  private cancelled = false;
  private finish: ((result: SchedulerResult) => void) | null = null;

  constructor(
    private tasks: TaskPlan[],
    private parallelism: number,
    private hooks: SchedulerHooks,
    /** Tasks already finished (a resumed plan); default none. */
    done: { [task: string]: TaskState } = {}
  ) {
    for (const t of tasks) {
      this.states.set(t.name, done[t.name] ?? 'pending');
    }
  }

  run(): Promise<SchedulerResult> {
    return new Promise(resolve => {
      this.finish = resolve;
      this.pump();
    });
  }

  /** Stop everything: running attempts are killed, the rest cancelled. */
  cancel(): void {
    if (this.cancelled) {
      return;
    }
    this.cancelled = true;
    this.abort.abort();
    this.settlePending('cancelled', () => ({ message: 'the run was cancelled' }));
    this.pump();
  }

  private pump(): void {
    if (!this.cancelled && !this.failure) {
      for (const task of this.tasks) {
        if (this.running.size >= this.parallelism) {
          break;
        }
        const ready = task.dependencies.every(d => this.states.get(d) === 'succeeded');
        if (this.states.get(task.name) === 'pending' && ready) {
          this.start(task);
        }
      }
    }
    if (this.running.size === 0 && this.finish) {
      const finish = this.finish;
      this.finish = null;
      finish({
        state: this.failure ? 'failed' : this.cancelled ? 'cancelled' : 'succeeded',
        error: this.failure
      });
    }
  }

  private start(task: TaskPlan): void {
    this.running.add(task.name);
    this.states.set(task.name, 'running');
    void this.execute(task)
      .catch((err): AttemptOutcome => ({
        state: 'failed',
        error: { task: task.name, message: `the engine failed: ${(err as Error).message}` }
      }))
      .then(outcome => {
        this.running.delete(task.name);
        this.states.set(task.name, outcome.state);
        if (outcome.state === 'failed' && !this.failure) {
          this.failure = outcome.error ?? { task: task.name, message: 'failed' };
          this.skipAfterFailure(task.name);
        }
        this.pump();
      });
  }

  private async execute(task: TaskPlan): Promise<AttemptOutcome> {
    const attempts = 1 + (task.retry?.maxRetryCount ?? 0);
    for (let n = 1; ; n++) {
      const outcome = await this.hooks.attempt(task, n, n === attempts, this.abort.signal);
      if (outcome.state !== 'failed' || n === attempts) {
        return outcome;
      }
      if (!(await this.sleep(backoffSeconds(task.retry!, n + 1)))) {
        this.hooks.mark({
          [task.name]: { state: 'cancelled', finishedAt: Date.now(), pid: null, error: { task: task.name, message: 'the run was cancelled' } }
        });
        return { state: 'cancelled' };
      }
    }
  }

  /** Resolves true after `seconds`, false if the run is cancelled first. */
  private sleep(seconds: number): Promise<boolean> {
    const signal = this.abort.signal;
    if (signal.aborted) {
      return Promise.resolve(false);
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, seconds * 1000);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private skipAfterFailure(failed: string): void {
    const downstream = this.downstreamOf(failed);
    this.settlePending('skipped', name =>
      downstream.has(name)
        ? { task: name, message: `skipped: upstream task ${failed} failed` }
        : { task: name, message: `skipped: the run stopped when task ${failed} failed` }
    );
  }

  private settlePending(state: TaskState, why: (task: string) => TaskError): void {
    const patches: { [task: string]: Partial<TaskRecord> } = {};
    for (const [name, s] of this.states) {
      if (s === 'pending') {
        this.states.set(name, state);
        patches[name] = { state, error: why(name) };
      }
    }
    if (Object.keys(patches).length) {
      this.hooks.mark(patches);
    }
  }

  private downstreamOf(name: string): Set<string> {
    const found = new Set<string>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of this.tasks) {
        if (!found.has(t.name) && t.dependencies.some(d => d === name || found.has(d))) {
          found.add(t.name);
          grew = true;
        }
      }
    }
    return found;
  }
}
