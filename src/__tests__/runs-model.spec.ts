/**
 * The runs of one notebook: history from the bridge, then run and task
 * events (routed by notebook path), the selected run's task states and
 * progress line, notifications' trigger, and the comparison rows.
 */
import { Signal } from '@lumino/signaling';
import type { RunWire, RunWithTasksWire, TaskWire } from '../../core/src/protocol';
import { compareRuns } from '../panels/runs/compare';
import { IRunsSource, normalizePath, NotebookRuns } from '../panels/runs/model';
import { formatDuration, progressOf } from '../panels/runs/progress';
import { RunsRegistry } from '../panels/runs/registry';

const T0 = 1_700_000_000_000;

function run(id: string, extra: Partial<RunWire> = {}): RunWire {
  return {
    id,
    notebook: 'work/train.ipynb',
    pipeline: 'train',
    state: 'running',
    parameters: { n: 3, rate: 0.5 },
    options: { cache: true, python: 'python3', parallelism: 4, timeoutSeconds: 0 },
    createdAt: T0,
    startedAt: T0,
    finishedAt: null,
    error: null,
    metrics: null,
    user: 'ada',
    rerunOf: null,
    ...extra
  };
}

function task(name: string, position: number, state: TaskWire['state'] = 'pending'): TaskWire {
  return {
    name,
    position,
    state,
    attempts: state === 'pending' ? 0 : 1,
    startedAt: null,
    finishedAt: null,
    cached: false,
    cachedFrom: null,
    error: null,
    outputs: null,
    dependencies: []
  };
}

const NAMES = ['load', 'left', 'right', 'join', 'pipeline-metrics'];

function withTasks(r: RunWire, states: TaskWire['state'][] = []): RunWithTasksWire {
  return { ...r, tasks: NAMES.map((n, i) => task(n, i, states[i] ?? 'pending')) };
}

function fakeSource(runs: RunWire[], full: Record<string, RunWithTasksWire> = {}): IRunsSource & { listed: string[] } {
  const listed: string[] = [];
  return {
    listed,
    list: async (notebook: string) => {
      listed.push(notebook);
      return runs;
    },
    get: async (id: string) => full[id] ?? withTasks(runs.find(r => r.id === id)!)
  };
}

describe('progress', () => {
  it('counts finished tasks and formats the elapsed time', () => {
    const tasks = NAMES.map((n, i) => task(n, i, (['succeeded', 'skipped', 'failed', 'running', 'pending'] as const)[i]));
    expect(progressOf(run('a'), tasks, T0 + 42_400).text).toBe('3/5 done · 0:42');
    expect(progressOf(run('a', { state: 'failed', finishedAt: T0 + 61_000 }), tasks, T0 + 999_000).text).toBe(
      '3/5 done · 1:01'
    );
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('NotebookRuns', () => {
  it('loads the history newest first and selects nothing', async () => {
    const source = fakeSource([run('r1', { createdAt: T0 }), run('r2', { createdAt: T0 + 5 })]);
    const model = new NotebookRuns('work/train.ipynb', source);
    await model.load();
    expect(source.listed).toEqual(['work/train.ipynb']);
    expect(model.runs.map(r => r.id)).toEqual(['r2', 'r1']);
    expect(model.selected).toBeNull();
    expect(model.progress(T0)).toBeNull();
  });

  it('follows a new run from events: tasks, states, progress, and one finished signal', async () => {
    const source = fakeSource([run('r1')]);
    const model = new NotebookRuns('work/train.ipynb', source);
    const finished: string[] = [];
    model.finished.connect((_, d) => finished.push(`${d.run.id}:${d.run.state}:${d.tasks.length}`));

    model.onRunEvent({ type: 'run', run: run('r1') });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.selected?.id).toBe('r1');
    expect(model.tasks.map(t => `${t.name}=${t.state}`)).toEqual(NAMES.map(n => `${n}=pending`));

    model.onTaskEvent({ type: 'task', run: 'r1', notebook: 'work/train.ipynb', task: task('load', 0, 'succeeded') });
    model.onTaskEvent({ type: 'task', run: 'r1', notebook: 'work/train.ipynb', task: task('left', 1, 'running') });
    expect(Object.fromEntries(model.states())).toEqual({
      load: 'succeeded',
      left: 'running',
      right: 'pending',
      join: 'pending',
      'pipeline-metrics': 'pending'
    });
    expect(model.progress(T0 + 3_000)!.text).toBe('1/5 done · 0:03');
    expect(finished).toEqual([]);

    for (const [i, name] of NAMES.entries()) {
      model.onTaskEvent({ type: 'task', run: 'r1', notebook: 'work/train.ipynb', task: task(name, i, 'succeeded') });
    }
    model.onRunEvent({ type: 'run', run: run('r1', { state: 'succeeded', finishedAt: T0 + 9_000, metrics: { acc: 0.9 } }) });
    model.onRunEvent({ type: 'run', run: run('r1', { state: 'succeeded', finishedAt: T0 + 9_000, metrics: { acc: 0.9 } }) });
    expect(finished).toEqual(['r1:succeeded:5']);
    expect(model.progress(T0 + 60_000)!.text).toBe('5/5 done · 0:09');
    expect(model.runs[0].metrics).toEqual({ acc: 0.9 });
  });

  it('keeps events newer than a late GET answer', async () => {
    let answer: (r: RunWithTasksWire) => void = () => undefined;
    const source: IRunsSource = {
      list: async () => [],
      get: () => new Promise(resolve => (answer = resolve))
    };
    const model = new NotebookRuns('nb.ipynb', source);
    model.onRunEvent({ type: 'run', run: run('r1', { notebook: 'nb.ipynb' }) });
    model.onTaskEvent({ type: 'task', run: 'r1', notebook: 'nb.ipynb', task: task('load', 0, 'succeeded') });
    answer(withTasks(run('r1'), ['running']));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(model.tasks.map(t => t.state)).toEqual(['succeeded', 'pending', 'pending', 'pending', 'pending']);
  });

  it('does not switch away from a run that is still going', async () => {
    const model = new NotebookRuns('nb.ipynb', fakeSource([run('r1'), run('r2'), run('r3')]));
    model.onRunEvent({ type: 'run', run: run('r1') });
    model.onRunEvent({ type: 'run', run: run('r2', { createdAt: T0 + 1 }) });
    expect(model.selected?.id).toBe('r1');
    model.onRunEvent({ type: 'run', run: run('r1', { state: 'failed', finishedAt: T0 + 2 }) });
    model.onRunEvent({ type: 'run', run: run('r3', { createdAt: T0 + 3 }) });
    expect(model.selected?.id).toBe('r3');
    expect(model.runs.map(r => r.id)).toEqual(['r3', 'r2', 'r1']);
  });

  it('compares two picked runs: parameters then metrics, differences marked', async () => {
    const a = run('a', { parameters: { n: 3, rate: 0.5 }, metrics: { acc: 0.8, loss: 0.2 }, state: 'succeeded' });
    const b = run('b', { parameters: { n: 5, rate: 0.5, tags: ['x'] }, metrics: { acc: 0.9 }, state: 'succeeded' });
    const model = new NotebookRuns('work/train.ipynb', fakeSource([a, b]));
    await model.load();
    model.toggleCompare('a');
    expect(model.compareRows()).toBeNull();
    model.toggleCompare('b');
    expect(model.compareRows()).toEqual([
      { kind: 'parameter', name: 'n', a: '3', b: '5', differs: true },
      { kind: 'parameter', name: 'rate', a: '0.5', b: '0.5', differs: false },
      { kind: 'parameter', name: 'tags', a: '', b: '["x"]', differs: true },
      { kind: 'metric', name: 'acc', a: '0.8', b: '0.9', differs: true },
      { kind: 'metric', name: 'loss', a: '0.2', b: '', differs: true }
    ]);
    model.toggleCompare('c');
    expect(model.compared).toEqual(['b', 'c']);
    expect(compareRuns(b, a)[0]).toEqual({ kind: 'parameter', name: 'n', a: '5', b: '3', differs: true });
  });
});

describe('RunsRegistry', () => {
  function connection() {
    const event = new Signal<unknown, any>({});
    const stateChanged = new Signal<unknown, any>({});
    const c = { event, stateChanged, state: { status: 'connecting' } as any };
    return c;
  }

  it('routes events by notebook path and reloads after a reconnect', async () => {
    const source = fakeSource([run('old')]);
    const c = connection();
    const registry = new RunsRegistry(source, c as any);
    const mine = registry.get('RTC:work/train.ipynb');
    const other = registry.get('other.ipynb');
    expect(mine.path).toBe('work/train.ipynb');
    expect(source.listed).toEqual([]);

    c.state = { status: 'connected' };
    c.stateChanged.emit(c.state);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(source.listed.sort()).toEqual(['other.ipynb', 'work/train.ipynb']);

    c.event.emit({ type: 'run', run: run('r9') });
    c.event.emit({ type: 'task', run: 'r9', notebook: 'work/train.ipynb', task: task('join', 3, 'failed') });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(mine.runs.map(r => r.id)).toContain('r9');
    expect(registry.statesOf('work/train.ipynb')?.get('join')).toBe('failed');
    expect(registry.statesOf('./work/train.ipynb')?.get('join')).toBe('failed');
    expect(registry.statesOf('nowhere.ipynb')).toBeNull();
    expect(other.runs.map(r => r.id)).toEqual(['old']);
    expect(normalizePath('/a/b.ipynb')).toBe('a/b.ipynb');
    registry.dispose();
  });
});
