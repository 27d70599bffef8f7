/**
 * Caching, retries, cancel, timeouts and failures on real subprocesses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, code, notebook, Sandbox, sandbox, task, until } from './helpers';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

jest.setTimeout(60000);

const py = (text: string) => JSON.stringify(text);

describe('caching', () => {
  const nb = () =>
    notebook([
      code('n = 3', { role: 'parameters' }),
      code('import os\nopen(os.path.join(' + py(box.dir) + ', "ran-make"), "a").write("x")\nrows = list(range(n))', { step: 'make' }),
      code('total = sum(rows)', { step: 'add', cache: false }),
      code('total', { role: 'metrics' })
    ]);

  it('a second identical run starts no process for cached tasks', async () => {
    const engine = box.engine();
    const path = box.write('c.ipynb', nb());
    const first = await engine.wait((await engine.start({ notebook: { path } })).id);
    expect(first.state).toBe('succeeded');
    expect(first.tasks.every(t => !t.cached)).toBe(true);

    const second = await engine.wait((await engine.start({ notebook: { path } })).id);
    expect(second.state).toBe('succeeded');
    const make = task(second, 'make');
    expect(make).toMatchObject({ cached: true, attempts: 0, logs: null, pid: null, cachedFrom: { run: first.id, task: 'make' } });
    expect(make.attemptHistory).toEqual([]);
    expect(existsSync(join(second.root, '.logs', 'make.log'))).toBe(false);
    // The process did not run again: it appends to this file every time.
    expect(readFileSync(join(box.dir, 'ran-make'), 'utf-8')).toBe('x');
    // Outputs are this run's own copies; the log shown is the original's.
    expect(make.outputs!.artifacts.rows.path).toBe(join(second.root, 'make', 'rows'));
    expect(existsSync(join(second.root, 'make', 'rows', 'kubeflow.json'))).toBe(true);
    expect(engine.logs(second.id, 'make')).toContain('[kubeflow] step make cell 1');
    // `cache: false` on a step: it runs again.
    expect(task(second, 'add')).toMatchObject({ cached: false, attempts: 1 });
    // The metrics step's input (total) was recomputed, same digest: a hit.
    expect(task(second, 'pipeline-metrics').cached).toBe(true);
    expect(second.metrics).toEqual({ total: 3 });

    // A third run hits the second run's cached copy: it still points at the
    // task that really ran, so its log is still there.
    const third = await engine.wait((await engine.start({ notebook: { path } })).id);
    expect(task(third, 'make').cachedFrom).toEqual({ run: first.id, task: 'make' });
    expect(engine.logs(third.id, 'make')).toContain('[kubeflow] step make cell 1');
  });

  it('is off for a run with cache: false, and a new parameter value misses', async () => {
    const engine = box.engine();
    const path = box.write('c.ipynb', nb());
    await engine.wait((await engine.start({ notebook: { path } })).id);
    const nocache = await engine.wait((await engine.start({ notebook: { path }, options: { cache: false } })).id);
    expect(nocache.tasks.some(t => t.cached)).toBe(false);
    const other = await engine.wait((await engine.start({ notebook: { path }, parameters: { n: 4 } })).id);
    expect(task(other, 'make').cached).toBe(false);
    expect(other.metrics).toEqual({ total: 6 });
    expect(readFileSync(join(box.dir, 'ran-make'), 'utf-8')).toBe('xxx');
  });
});

describe('retries', () => {
  it('retries a failed step per its retry policy and records each attempt', async () => {
    const marker = join(box.dir, 'tried');
    const engine = box.engine();
    const path = box.write('r.ipynb', notebook([
      code(`import os\nif not os.path.exists(${py(marker)}):\n    open(${py(marker)}, "w").close()\n    raise RuntimeError("first attempt fails")\nvalue = 1`, { step: 'flaky', retries: 2 }),
      code('print(value)', { step: 'after' })
    ]));
    const run = await engine.wait((await engine.start({ notebook: { path } })).id);
    expect(run.state).toBe('succeeded');
    const flaky = task(run, 'flaky');
    expect(flaky.attempts).toBe(2);
    expect(flaky.attemptHistory.map(a => [a.attempt, a.state, a.exitCode])).toEqual([[1, 'failed', 1], [2, 'succeeded', 0]]);
    expect(flaky.attemptHistory[1].startedAt).toBeGreaterThanOrEqual(flaky.attemptHistory[0].finishedAt!);
    const log = engine.logs(run.id, 'flaky');
    expect(log).toContain('RuntimeError: first attempt fails');
    expect(log).toContain('[kubeflow] attempt 2 of 3');
  });
});

describe('failures', () => {
  it('skips everything downstream and names the task, cell and line', async () => {
    const engine = box.engine();
    const path = box.write('f.ipynb', notebook([
      code('def ratio(a, b):\n    return a / b', { role: 'functions' }),
      code('x = 1\ny = ratio(x, 0)', { step: 'divide' }),
      code('z = y + 1', { step: 'use' }),
      code('w = 2', { step: 'other' }),
      code('z', { role: 'metrics' })
    ]));
    const run = await engine.wait((await engine.start({ notebook: { path }, options: { parallelism: 1 } })).id);
    expect(run.state).toBe('failed');
    // The innermost frame in notebook code: the functions cell's line 2.
    expect(run.error).toMatchObject({ task: 'divide', cell: 0, line: 2, exitCode: 1 });
    expect(run.error!.message).toContain("step 'divide' failed in cell 1: ZeroDivisionError");
    expect(task(run, 'divide').state).toBe('failed');
    expect(task(run, 'use')).toMatchObject({ state: 'skipped', error: { message: 'skipped: upstream task divide failed' } });
    expect(task(run, 'pipeline-metrics').state).toBe('skipped');
    expect(task(run, 'use').attemptHistory).toEqual([]);
  });

  it('names the step cell when the error is raised there', async () => {
    const engine = box.engine();
    const path = box.write('f.ipynb', notebook([
      code('a = 1\nb = a.missing', { step: 'broken' })
    ]));
    const run = await engine.wait((await engine.start({ notebook: { path } })).id);
    expect(run.error).toMatchObject({ task: 'broken', cell: 0, line: 2 });
    expect(run.error!.message).toContain("AttributeError: 'int' object has no attribute 'missing'");
  });

  it('a value that cannot be serialized fails with a message naming it', async () => {
    const engine = box.engine();
    const path = box.write('s.ipynb', notebook([
      code('gen = (i for i in range(3))', { step: 'make' }),
      code('items = list(gen)', { step: 'use' })
    ]));
    const run = await engine.wait((await engine.start({ notebook: { path } })).id);
    expect(run.state).toBe('failed');
    expect(run.error!.task).toBe('make');
    expect(run.error!.message).toContain("cannot save output 'gen' of type generator from step 'make'");
    expect(task(run, 'use').state).toBe('skipped');
  });

  it('a step over its timeout is stopped and fails, naming the cell it was in', async () => {
    const engine = box.engine();
    const path = box.write('t.ipynb', notebook([code('import time\ntime.sleep(30)\nx = 1', { step: 'slow' })]));
    const run = await engine.wait((await engine.start({ notebook: { path }, options: { timeoutSeconds: 1 } })).id);
    expect(run.state).toBe('failed');
    expect(run.error).toMatchObject({ task: 'slow', message: 'timed out after 1s', cell: 0 });
    const [attempt] = task(run, 'slow').attemptHistory;
    expect(attempt.finishedAt! - attempt.startedAt).toBeLessThan(10000);
  });
});

describe('cancel', () => {
  it('kills the whole process group and cancels what has not started', async () => {
    const pids = join(box.dir, 'pids');
    const engine = box.engine();
    const path = box.write('k.ipynb', notebook([
      code(
        `import os, subprocess, time\nchild = subprocess.Popen(["sleep", "60"])\n` +
          `open(${py(pids)}, "w").write("%d %d" % (os.getpid(), child.pid))\ntime.sleep(60)\nx = 1`,
        { step: 'slow' }
      ),
      code('y = x + 1', { step: 'next' })
    ]));
    const started = await engine.start({ notebook: { path } });
    const text = await until(() => existsSync(pids) && readFileSync(pids, 'utf-8'));
    const [stepPid, childPid] = text.split(' ').map(Number);
    expect(alive(stepPid) && alive(childPid)).toBe(true);
    expect(task(engine.get(started.id)!, 'slow').pid).toBe(stepPid);

    const run = await engine.cancel(started.id);
    expect(run.state).toBe('cancelled');
    expect(task(run, 'slow')).toMatchObject({ state: 'cancelled', pid: null });
    expect(task(run, 'next').state).toBe('cancelled');
    expect(alive(stepPid)).toBe(false);
    expect(alive(childPid)).toBe(false);
    await expect(engine.cancel(started.id)).rejects.toMatchObject({ status: 409 });
  });
});
