/**
 * KFP run and task states -> ours, so a kubeflow run reads exactly like a
 * local one in the run view, the runs list and the events.
 *
 *   KFP         run          task
 *   PENDING     pending      pending
 *   RUNNING     running      running
 *   PAUSED      running      running
 *   CANCELING   running      running     (not over yet: it may still succeed or fail)
 *   SUCCEEDED   succeeded    succeeded
 *   SKIPPED     succeeded    succeeded, cached   (KFP skips a task whose result is cached)
 *   FAILED      failed       failed
 *   CANCELED    cancelled    cancelled
 *   (missing)   pending      pending
 */
import type { RunState, TaskError, TaskRecord, TaskState } from '../local/types';
import type { KfpRun, KfpRuntimeState, KfpTaskDetail } from './wire';

export const TERMINAL_KFP_STATES: readonly KfpRuntimeState[] = ['SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELED'];

export function isTerminal(state: KfpRuntimeState | undefined): boolean {
  return state !== undefined && TERMINAL_KFP_STATES.includes(state);
}

export function runStateOf(state: KfpRuntimeState | undefined): RunState {
  switch (state) {
    case 'RUNNING':
    case 'PAUSED':
    case 'CANCELING':
      return 'running';
    case 'SUCCEEDED':
    case 'SKIPPED':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'CANCELED':
      return 'cancelled';
    default:
      return 'pending';
  }
}

export function taskStateOf(state: KfpRuntimeState | undefined): TaskState {
  return state === 'SKIPPED' ? 'succeeded' : (runStateOf(state) as TaskState);
}

const ORDER: { [state in TaskState]: number } = {
  pending: 0, running: 1, succeeded: 2, skipped: 2, failed: 3, cancelled: 3, interrupted: 3
};

export const timeOf = (iso: string | undefined): number | null => {
  if (!iso || iso.startsWith('1970-01-01')) {
    return null; // KFP's zero time: not set
  }
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/**
 * The changes `run_details.task_details` makes to our tasks (matched by
 * display name: the IR's `taskInfo.name`). Drivers and DAG nodes have other
 * names and are ignored; of several details for one task, the furthest on wins.
 */
export function taskPatches(
  tasks: TaskRecord[],
  details: KfpTaskDetail[]
): { [task: string]: Partial<TaskRecord> } {
  const best = new Map<string, KfpTaskDetail>();
  for (const detail of details) {
    const name = detail.display_name ?? '';
    const seen = best.get(name);
    if (!seen || ORDER[taskStateOf(detail.state)] >= ORDER[taskStateOf(seen.state)]) {
      best.set(name, detail);
    }
  }
  const patches: { [task: string]: Partial<TaskRecord> } = {};
  for (const task of tasks) {
    const detail = best.get(task.name);
    if (!detail) {
      continue;
    }
    const state = taskStateOf(detail.state);
    const next: Partial<TaskRecord> = {
      state,
      cached: detail.state === 'SKIPPED',
      startedAt: timeOf(detail.start_time) ?? timeOf(detail.create_time) ?? task.startedAt,
      // KFP's end time, else the first time we saw it end
      finishedAt: isTerminal(detail.state) ? timeOf(detail.end_time) ?? task.finishedAt ?? Date.now() : null,
      error: state === 'failed' || detail.error?.message ? taskErrorOf(task.name, detail) : null
    };
    const changed = (Object.keys(next) as (keyof TaskRecord)[]).some(
      key => JSON.stringify(next[key]) !== JSON.stringify(task[key])
    );
    if (changed) {
      patches[task.name] = next;
    }
  }
  return patches;
}

function taskErrorOf(task: string, detail: KfpTaskDetail): TaskError {
  return { message: detail.error?.message || `task ${task} failed in Kubeflow Pipelines`, task };
}

/** The run's error: KFP's own, else the first failed task's. */
export function runErrorOf(run: KfpRun, tasks: TaskRecord[]): TaskError | null {
  const state = run.state;
  if (state !== 'FAILED' && state !== 'CANCELED') {
    return null;
  }
  const failed = tasks.find(t => t.state === 'failed' && t.error);
  if (failed?.error) {
    return failed.error;
  }
  if (run.error?.message) {
    return { message: run.error.message };
  }
  return state === 'CANCELED' ? { message: 'the run was terminated in Kubeflow Pipelines' } : { message: 'the run failed in Kubeflow Pipelines' };
}
