/**
 * `/api/studies` through the real HTTP server: a 400 names the field, a
 * study starts, lists, shows its trials, and its events reach the socket.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createBridgeServer, BridgeServer } from '../../src/http/server';
import { createLogger } from '../../src/log';
import { Sandbox, sandbox, until } from '../engine/helpers';
import { QUADRATIC, spec, studies } from './helpers';

const SECRET = 'test-secret-0123456789';
const HEADERS = { 'X-Kubeflow-Bridge-Secret': SECRET, 'X-Kubeflow-User': 'carol', 'Content-Type': 'application/json' };

let box: Sandbox;
let bridge: BridgeServer;
let base: string;

beforeEach(async () => {
  box = sandbox();
  box.write('quad.ipynb', QUADRATIC);
  const { manager, engine } = studies(box);
  bridge = createBridgeServer({ secret: SECRET, kernelToken: '', owner: 'carol' }, createLogger(() => undefined), { engine, studies: manager });
  await new Promise<void>(resolve => bridge.http.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(bridge.http.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await bridge.close();
  await box.cleanup();
});

jest.setTimeout(60000);

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`http://${base}${path}`, { method, headers: HEADERS, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

describe('POST /api/studies refuses bad bodies, naming the field', () => {
  const good = { notebook: { path: 'quad.ipynb' }, spec: spec({}) };
  const cases: [string, unknown, number, string][] = [
    ['not an object', [], 400, 'body'],
    ['unknown field', { ...good, extra: 1 }, 400, 'extra'],
    ['no notebook', { spec: spec({}) }, 400, 'notebook'],
    ['bad target', { ...good, target: 'mars' }, 400, 'target'],
    ['bad algorithm', { ...good, spec: { ...spec({}), algorithm: 'hyperband' } }, 400, 'spec.algorithm'],
    ['min >= max', { ...good, spec: spec({ parameters: [{ name: 'x', type: 'double', min: 1, max: 1 }] }) }, 400, 'spec.parameters.x.max'],
    ['not a metric', { ...good, spec: spec({ objective: { metric: 'acc', direction: 'maximize' } }) }, 400, 'spec.objective.metric'],
    ['parallel < 1', { ...good, spec: spec({ budget: { maxTrials: 2, parallelTrials: 0, maxFailedTrials: 0 } }) }, 400, 'spec.budget.parallelTrials'],
    ['missing notebook file', { ...good, notebook: { path: 'nope.ipynb' } }, 400, 'notebook.path'],
    ['katib without kubeflow', { ...good, target: 'kubeflow' }, 501, 'target']
  ];
  it.each(cases)('%s', async (_, body, status, field) => {
    const { status: got, json } = await api('POST', '/api/studies', body);
    expect(got).toBe(status);
    expect(json.error.field).toBe(field);
  });
});

it('starts a study, lists it, shows its trials and streams its events', async () => {
  const socket = new WebSocket(`ws://${base}/api/events`, { headers: HEADERS });
  const events: any[] = [];
  socket.on('message', data => events.push(JSON.parse(String(data))));
  await until(() => events.some(e => e.type === 'hello'));

  const created = await api('POST', '/api/studies', { notebook: { path: 'quad.ipynb' }, spec: spec({ budget: { maxTrials: 3, parallelTrials: 3, maxFailedTrials: 0 } }) });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ notebook: 'quad.ipynb', pipeline: 'quad', target: 'local', state: 'running', user: 'carol', trials: [] });
  const id = created.json.id;
  let study: any;
  for (let i = 0; i < 300 && study?.state !== 'succeeded'; i++) {
    await new Promise(r => setTimeout(r, 100));
    study = (await api('GET', `/api/studies/${id}`)).json;
  }
  expect(study.state).toBe('succeeded');
  expect(study.trials).toHaveLength(3);
  for (const t of study.trials) {
    expect(Object.keys(t).sort()).toEqual(['durationMs', 'error', 'finishedAt', 'metrics', 'number', 'objective', 'parameters', 'run', 'startedAt', 'state']);
    expect(t.metrics).toEqual({ score: t.objective });
  }
  const listed = await api('GET', '/api/studies?notebook=quad.ipynb');
  expect(listed.json.studies.map((s: any) => s.id)).toEqual([id]);
  expect(listed.json.studies[0].trials).toBeUndefined();
  expect((await api('GET', '/api/studies?notebook=other.ipynb')).json.studies).toEqual([]);
  expect((await api('GET', '/api/studies/nope')).status).toBe(404);
  expect((await api('POST', `/api/studies/${id}/stop`)).status).toBe(409);

  await until(() => events.filter(e => e.type === 'trial' && e.trial.state === 'succeeded').length === 3);
  expect(events.find(e => e.type === 'trial')).toMatchObject({ study: id, notebook: 'quad.ipynb' });
  await until(() => events.some(e => e.type === 'study' && e.study.state === 'succeeded'));
  socket.close();
});
