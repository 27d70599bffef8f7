/**
 * SIGKILL of the built bridge mid-study, then a restart on the same data
 * folder: the study resumes by itself, finished trials are kept as they
 * were, the interrupted trial's point is tried again, and the study
 * reaches its budget. Needs `npm run build:bridge` first.
 */
import type { ChildProcess } from 'node:child_process';
import { api, BuiltBridge, startBuiltBridge, stopAll } from '../engine/built-bridge';
import { existsSync } from 'node:fs';
import { BRIDGE, code, notebook, PYTHON, Sandbox, sandbox } from '../engine/helpers';
import { spec } from './helpers';


let box: Sandbox;
const bridges: ChildProcess[] = [];
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await stopAll(bridges);
  await box.cleanup();
});

jest.setTimeout(120000);

async function startBridge(): Promise<BuiltBridge> {
  const bridge = await startBuiltBridge(['--data-dir', box.data, '--root-dir', box.root, '--python', PYTHON]);
  bridges.push(bridge.proc);
  return bridge;
}

async function poll(base: string, id: string, until: (s: any) => boolean, timeoutMs = 60000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const study = await api(base, 'GET', `/api/studies/${id}`);
    if (until(study)) {
      return study;
    }
    if (Date.now() > end) {
      throw new Error(`timed out; study is ${JSON.stringify(study).slice(0, 500)}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

it('resumes a study after SIGKILL without losing a finished trial', async () => {
  if (!existsSync(BRIDGE)) {
    throw new Error(`${BRIDGE} is missing: run npm run build:bridge`);
  }
  // Trial 0 is quick; later trials sleep, so the kill lands while one runs.
  box.write('slow.ipynb', notebook([
    code('x = 0.0\ny = 0.0', { role: 'parameters' }),
    code('import os, time\nif os.path.exists("started"):\n    time.sleep(2)\nopen("started", "w").close()\nscore = -(x - 2) ** 2 - (y + 1) ** 2', { step: 'train' }),
    code('score', { role: 'metrics' })
  ]));
  const first = await startBridge();
  const created = await api(first.base, 'POST', '/api/studies', {
    notebook: { path: 'slow.ipynb' },
    spec: spec({ budget: { maxTrials: 3, parallelTrials: 1, maxFailedTrials: 0 } }),
    options: { python: PYTHON }
  });
  expect(created.state).toBe('running');
  const before = await poll(first.base, created.id, s => s.counts.succeeded === 1 && s.counts.running === 1);
  const finished = before.trials.find((t: any) => t.state === 'succeeded');
  const killedTrial = before.trials.find((t: any) => t.state === 'running');

  first.proc.kill('SIGKILL');
  await new Promise(resolve => first.proc.once('exit', resolve));

  const second = await startBridge();
  const after = await poll(second.base, created.id, s => s.state !== 'running');
  expect(after.state).toBe('succeeded');
  expect(after.counts).toEqual({ trials: 4, succeeded: 3, failed: 0, running: 0, retried: 1 });
  // The finished trial is exactly as it was.
  expect(after.trials.find((t: any) => t.number === finished.number)).toEqual(finished);
  // The killed one is interrupted (its run too), and its point was tried again.
  const interrupted = after.trials.find((t: any) => t.number === killedTrial.number);
  expect(interrupted.state).toBe('interrupted');
  expect((await api(second.base, 'GET', `/api/runs/${killedTrial.run}`)).state).toBe('interrupted');
  const retry = after.trials.find((t: any) => t.number > killedTrial.number);
  expect(retry.parameters).toEqual(killedTrial.parameters);
  expect(retry.state).toBe('succeeded');
});
