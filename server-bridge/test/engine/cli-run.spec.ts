/**
 * `kubeflow-bridge run`: in-process for the JSON shape and the streamed
 * logs, and the built bundle as a real process for the exit codes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/cli/run';
import { BRIDGE, code, notebook, PYTHON, Sandbox, sandbox } from './helpers';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

jest.setTimeout(60000);

const SMALL = notebook([
  code('n_rows = 3', { role: 'parameters' }),
  code('rows = list(range(n_rows))\nprint("rows:", rows)', { step: 'load' }),
  code('total = sum(rows)', { step: 'sum_up' }),
  code('total', { role: 'metrics' })
]);

async function runCli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await run(argv, process.env, {
    stdout: text => void (stdout += text),
    stderr: text => void (stderr += text)
  });
  return { code: status, stdout, stderr };
}

describe('kubeflow-bridge run', () => {
  it('prints the documented JSON and exits 0 when the run succeeds', async () => {
    const path = join(box.root, box.write('small.ipynb', SMALL));
    const data = join(box.dir, 'data');
    const result = await runCli([path, '--param', 'n_rows=4', '--json', '--python', PYTHON, '--data-dir', data]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual(['error', 'metrics', 'outputs', 'run', 'state', 'tasks']);
    expect(report.state).toBe('succeeded');
    expect(report.metrics).toEqual({ total: 6 });
    expect(report.tasks.map((t: { name: string; state: string }) => [t.name, t.state])).toEqual([
      ['load', 'succeeded'],
      ['sum-up', 'succeeded'],
      ['pipeline-metrics', 'succeeded']
    ]);
    for (const t of report.tasks) {
      expect(typeof t.duration_s).toBe('number');
    }
    expect(existsSync(join(report.outputs.load.rows, 'kubeflow.json'))).toBe(true);
    // Logs prefixed by task, and progress, on stderr (stdout is the JSON).
    expect(result.stderr).toContain('[load] rows: [0, 1, 2, 3]\n');
    expect(result.stderr).toMatch(/\[kubeflow\] sum-up: succeeded · 2\/3 done/);

    // Same data dir, again: cached; --no-cache: not.
    const again = JSON.parse((await runCli([path, '--param', 'n_rows=4', '--json', '--python', PYTHON, '--data-dir', data])).stdout);
    expect(again.tasks.every((t: { cached: boolean }) => t.cached)).toBe(true);
    const fresh = JSON.parse((await runCli([path, '--param', 'n_rows=4', '--json', '--no-cache', '--python', PYTHON, '--data-dir', data])).stdout);
    expect(fresh.tasks.some((t: { cached: boolean }) => t.cached)).toBe(false);
  });

  it('refuses a bad parameter (2) and a notebook that does not compile (1)', async () => {
    const path = join(box.root, box.write('small.ipynb', SMALL));
    const bad = await runCli([path, '--param', 'n_rows=lots', '--python', PYTHON, '--data-dir', box.data]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('parameter n_rows must be an integer');
    const broken = join(box.root, box.write('broken.ipynb', notebook([code('y = nothing + 1', { step: 'a' })])));
    const result = await runCli([broken, '--python', PYTHON, '--data-dir', box.data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cell 0/);
    expect((await runCli([join(box.root, 'missing.ipynb'), '--data-dir', box.data])).code).toBe(2);
  });

  it('the built command exits non-zero on a failing notebook and names the cell and line', () => {
    const path = join(box.root, box.write('fails.ipynb', notebook([
      code('x = 1\nraise ValueError("bad data")', { step: 'explode' }),
      code('y = x', { step: 'after' })
    ])));
    const done = spawnSync(process.execPath, [BRIDGE, 'run', path, '--json', '--python', PYTHON, '--data-dir', box.data], {
      encoding: 'utf-8',
      timeout: 60000
    });
    expect(done.status).toBe(1);
    const report = JSON.parse(done.stdout);
    expect(report.state).toBe('failed');
    expect(report.tasks.map((t: { state: string }) => t.state)).toEqual(['failed', 'skipped']);
    expect(report.error).toMatchObject({ task: 'explode', cell: 0, line: 2 });
    expect(done.stderr).toContain('error: task explode, cell 0, line 2: ');
    expect(done.stderr).toContain('ValueError: bad data');

    const ok = spawnSync(process.execPath, [BRIDGE, 'run', join(box.root, box.write('ok.ipynb', SMALL)), '--python', PYTHON, '--data-dir', box.data], {
      encoding: 'utf-8',
      timeout: 60000
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('[load] rows: [0, 1, 2]');
    expect(readFileSync(BRIDGE, 'utf-8').length).toBeGreaterThan(0);
  });
});
