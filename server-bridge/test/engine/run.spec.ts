/**
 * The local engine end to end on real Python subprocesses: a pipeline runs,
 * independent branches overlap, artifacts and metrics come back, a failure
 * names the cell and line and skips what depends on it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { code, notebook, Sandbox, sandbox, task } from './helpers';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

jest.setTimeout(60000);

/** Two branches from the parameters, joined by a metrics cell. */
const BRANCHES = notebook([
  code('import time', { role: 'imports' }),
  code('n_rows = 4\nscale = 0.5', { role: 'parameters' }),
  code('time.sleep(1.0)\nleft = [i * scale for i in range(n_rows)]', { step: 'left' }),
  code('time.sleep(1.0)\nright = [i + 1 for i in range(n_rows)]', { step: 'right' }),
  code('total = sum(left) + sum(right)', { step: 'join' }),
  code('total', { role: 'metrics' })
]);

describe('a run', () => {
  it('runs every task, independent branches in parallel, and reports metrics', async () => {
    const engine = box.engine();
    const path = box.write('branches.ipynb', BRANCHES);
    const started = await engine.start({ notebook: { path }, parameters: { n_rows: '5' } });
    expect(started.state).toBe('running');
    expect(started.notebook).toBe('branches.ipynb');
    const run = await engine.wait(started.id);
    expect(run.state).toBe('succeeded');
    expect(run.tasks.map(t => [t.name, t.state])).toEqual([
      ['left', 'succeeded'],
      ['right', 'succeeded'],
      ['join', 'succeeded'],
      ['pipeline-metrics', 'succeeded']
    ]);
    // The recorded intervals of the two branches overlap.
    const [l] = task(run, 'left').attemptHistory;
    const [r] = task(run, 'right').attemptHistory;
    expect(l.startedAt).toBeLessThan(r.finishedAt!);
    expect(r.startedAt).toBeLessThan(l.finishedAt!);
    // join starts only after both ended.
    const [j] = task(run, 'join').attemptHistory;
    expect(j.startedAt).toBeGreaterThanOrEqual(Math.max(l.finishedAt!, r.finishedAt!));
    expect(run.parameters).toEqual({ n_rows: 5, scale: 0.5 });
    expect(run.metrics).toEqual({ total: 5 + 15 });
    const outputs = engine.outputs(run.id);
    const left = outputs.tasks.left!.artifacts.left;
    expect(left).toMatchObject({ type: 'system.Artifact', format: 'pickle', pythonType: 'builtins.list' });
    expect(left.path).toBe(join(run.root, 'left', 'left'));
    expect(existsSync(join(left.path, 'kubeflow.json'))).toBe(true);
    expect(engine.logs(run.id, 'pipeline-metrics')).toContain('total=20');
    expect(readFileSync(task(run, 'left').logs!.stderr, 'utf-8')).toContain('[kubeflow] step left cell 2');
  });

  it('with parallelism 1 runs the branches one after the other', async () => {
    const engine = box.engine();
    const path = box.write('branches.ipynb', BRANCHES);
    const run = await engine.wait((await engine.start({ notebook: { path }, options: { parallelism: 1 } })).id);
    expect(run.state).toBe('succeeded');
    const [l] = task(run, 'left').attemptHistory;
    const [r] = task(run, 'right').attemptHistory;
    expect(r.startedAt).toBeGreaterThanOrEqual(l.finishedAt!);
  });
});
