/**
 * What a run's progress line says: "3/5 done · 0:42". Pure functions, so
 * the model and the tests agree on every character.
 */
import { FINISHED_RUN_STATES, RunWire, TaskState, TaskWire } from '../../../core/src/protocol';

/** Task states that count as done: the task will not run any more. */
const DONE: readonly TaskState[] = ['succeeded', 'failed', 'skipped', 'cancelled', 'interrupted'];

/** `m:ss`, or `h:mm:ss` from one hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export function isFinished(run: Pick<RunWire, 'state'>): boolean {
  return FINISHED_RUN_STATES.includes(run.state);
}

/** Elapsed time: to the end of a finished run, to `now` for a running one. */
export function elapsedMs(run: RunWire, now: number): number {
  const start = run.startedAt ?? run.createdAt;
  const end = run.finishedAt ?? (isFinished(run) ? start : now);
  return Math.max(0, end - start);
}

export interface IProgress {
  done: number;
  total: number;
  elapsedMs: number;
  text: string;
}

export function progressOf(run: RunWire, tasks: readonly TaskWire[], now: number): IProgress {
  const done = tasks.filter(t => DONE.includes(t.state)).length;
  const elapsed = elapsedMs(run, now);
  return {
    done,
    total: tasks.length,
    elapsedMs: elapsed,
    text: `${done}/${tasks.length} done · ${formatDuration(elapsed)}`
  };
}
