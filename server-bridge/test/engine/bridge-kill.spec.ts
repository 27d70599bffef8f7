/**
 * SIGKILL of the built bridge mid-run, then a restart on the same data
 * folder: history is intact and the run in progress is `interrupted`.
 * Needs `npm run build:bridge` first (the test command does it).
 */
import type { ChildProcess } from 'node:child_process';
import { api, BuiltBridge, startBuiltBridge, stopAll } from './built-bridge';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, BRIDGE, code, notebook, PYTHON, Sandbox, sandbox, until } from './helpers';


let box: Sandbox;
const bridges: ChildProcess[] = [];
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await stopAll(bridges);
  await box.cleanup();
});

jest.setTimeout(90000);

async function startBridge(): Promise<BuiltBridge> {
  const bridge = await startBuiltBridge(['--data-dir', box.data, '--root-dir', box.root]);
  bridges.push(bridge.proc);
  return bridge;
}

it('keeps finished runs and marks the run in progress interrupted', async () => {
  if (!existsSync(BRIDGE)) {
    throw new Error(`${BRIDGE} is missing: run npm run build:bridge`);
  }
  const pidFile = join(box.dir, 'step.pid');
  box.write('fast.ipynb', notebook([
    code('rows = [1, 2, 3]\ntotal = sum(rows)', { step: 'load' }),
    code('total', { role: 'metrics' })
  ]));
  box.write('sleepy.ipynb', notebook([
    code(`import os, time\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\ntime.sleep(60)\nx = 1`, { step: 'slow' }),
    code('y = x', { step: 'after' })
  ]));

  const first = await startBridge();
  const fast = await api(first.base, 'POST', '/api/runs', { notebook: { path: 'fast.ipynb' }, options: { python: PYTHON } });
  let finished: any;
  for (let i = 0; i < 200 && !finished?.finishedAt; i++) {
    finished = await api(first.base, 'GET', `/api/runs/${fast.id}`);
    await new Promise(r => setTimeout(r, 100));
  }
  expect(finished).toMatchObject({ state: 'succeeded', metrics: { total: 6 } });

  const slow = await api(first.base, 'POST', '/api/runs', { notebook: { path: 'sleepy.ipynb' }, options: { python: PYTHON } });
  expect(slow.state).toBe('running');
  const stepPid = Number(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf-8')));
  expect((await api(first.base, 'GET', `/api/runs/${slow.id}`)).state).toBe('running');

  first.proc.kill('SIGKILL');
  await new Promise(resolve => first.proc.once('exit', resolve));

  const second = await startBridge();
  const after = await api(second.base, 'GET', `/api/runs/${slow.id}`);
  expect(after.state).toBe('interrupted');
  expect(after.error.message).toContain('bridge stopped');
  expect(after.tasks.map((t: { name: string; state: string }) => [t.name, t.state])).toEqual([
    ['slow', 'interrupted'],
    ['after', 'interrupted']
  ]);
  const kept = await api(second.base, 'GET', `/api/runs/${fast.id}`);
  expect(kept).toEqual(finished);
  const listed = await api(second.base, 'GET', '/api/runs');
  expect(listed.runs.map((r: { id: string }) => r.id).sort()).toEqual([fast.id, slow.id].sort());
  // The orphaned step (its own process group) was stopped by the new bridge.
  await until(() => !alive(stepPid), 5000);
});
