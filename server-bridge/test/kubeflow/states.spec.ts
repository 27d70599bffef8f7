/** KFP states and task details -> our run and task records. */
import { isTerminal, runErrorOf, runStateOf, taskPatches, taskStateOf } from '../../src/engines/kubeflow/states';
import type { TaskRecord } from '../../src/engines/local/types';

const task = (name: string, patch: Partial<TaskRecord> = {}): TaskRecord => ({
  name, position: 0, state: 'pending', attempts: 0, startedAt: null, finishedAt: null, cacheKey: null, cached: false,
  cachedFrom: null, error: null, logs: null, outputs: null, dependencies: [], attemptHistory: [], pid: null, ...patch
});

describe('state mapping', () => {
  it.each([
    ['PENDING', 'pending', 'pending'],
    ['RUNNING', 'running', 'running'],
    ['CANCELING', 'running', 'running'],
    ['PAUSED', 'running', 'running'],
    ['SUCCEEDED', 'succeeded', 'succeeded'],
    ['SKIPPED', 'succeeded', 'succeeded'],
    ['FAILED', 'failed', 'failed'],
    ['CANCELED', 'cancelled', 'cancelled'],
    ['RUNTIME_STATE_UNSPECIFIED', 'pending', 'pending'],
    [undefined, 'pending', 'pending']
  ] as const)('%s -> run %s, task %s', (kfp, run, t) => {
    expect(runStateOf(kfp)).toBe(run);
    expect(taskStateOf(kfp)).toBe(t);
  });

  it('terminal states end the following', () => {
    expect(['SUCCEEDED', 'SKIPPED', 'FAILED', 'CANCELED'].every(s => isTerminal(s as never))).toBe(true);
    expect(['PENDING', 'RUNNING', 'CANCELING', 'PAUSED'].some(s => isTerminal(s as never))).toBe(false);
  });
});

describe('task details', () => {
  const tasks = [task('load'), task('train')];

  it('match tasks by display name, ignore drivers and DAG nodes, keep the furthest state', () => {
    const patches = taskPatches(tasks, [
      { display_name: 'root', state: 'RUNNING' },
      { display_name: 'load-driver', state: 'SUCCEEDED' },
      { display_name: 'load', state: 'SUCCEEDED', start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T00:00:05Z' },
      { display_name: 'load', state: 'RUNNING' },
      { display_name: 'train', state: 'RUNNING', start_time: '2026-01-01T00:00:06Z' }
    ]);
    expect(Object.keys(patches).sort()).toEqual(['load', 'train']);
    expect(patches.load).toMatchObject({ state: 'succeeded', startedAt: Date.parse('2026-01-01T00:00:00Z'), finishedAt: Date.parse('2026-01-01T00:00:05Z') });
    expect(patches.train).toMatchObject({ state: 'running', finishedAt: null, error: null });
  });

  it('a failed task carries its error; the run error is the failed task', () => {
    const patches = taskPatches(tasks, [{ display_name: 'train', state: 'FAILED', error: { code: 2, message: 'exit code 1' } }]);
    expect(patches.train).toMatchObject({ state: 'failed', error: { message: 'exit code 1', task: 'train' } });
    const after = [tasks[0], { ...tasks[1], ...patches.train } as TaskRecord];
    expect(runErrorOf({ display_name: 'x', state: 'FAILED' }, after)).toEqual({ message: 'exit code 1', task: 'train' });
    expect(runErrorOf({ display_name: 'x', state: 'SUCCEEDED' }, after)).toBeNull();
  });

  it('a skipped (cached) task is succeeded and cached; nothing new means no patch', () => {
    const patches = taskPatches(tasks, [{ display_name: 'load', state: 'SKIPPED' }]);
    expect(patches.load).toMatchObject({ state: 'succeeded', cached: true });
    const again = taskPatches([{ ...tasks[0], ...patches.load } as TaskRecord], [{ display_name: 'load', state: 'SKIPPED' }]);
    expect(again).toEqual({});
  });
});
