/**
 * Real parts end to end: a notebook trains a decision tree on the local
 * engine (real Python, real SQLite), KServe's model server serves its
 * `model` output, requests go through the bridge's HTTP layer. The depth
 * parameter makes the model worse (1) or better (4) than the champion (2).
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '../../src/http/router';
import { addDeploymentRoutes } from '../../src/http/deployments';
import { DeploymentService } from '../../src/serving/service';
import { modelServerScript } from '../../src/serving/script';
import type { DeploymentEvent } from '../../src/serving/types';
import { PYTHON, sandbox, Sandbox, until } from '../engine/helpers';
import { IRIS } from './iris';

jest.setTimeout(180_000);


const INSTANCES = [[5.1, 3.5, 1.4, 0.2], [6.0, 2.7, 5.1, 1.6], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5], [4.9, 2.4, 3.3, 1.0]];

let box: Sandbox;
let service: DeploymentService;
let base: string;
let close: () => Promise<void>;
const events: DeploymentEvent[] = [];
const runs: { [depth: number]: { id: string; accuracy: number; modelPath: string } } = {};

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(base + path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** What the model itself says, in-process, for the same instances. */
function ownPredictions(modelPath: string): number[] {
  const script = `import joblib, json, sys; m = joblib.load(sys.argv[1]); print(json.dumps(m.predict(json.loads(sys.argv[2])).tolist()))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, `${modelPath}/model.joblib`, JSON.stringify(INSTANCES)], { encoding: 'utf-8' }));
}

beforeAll(async () => {
  box = sandbox();
  const engine = box.engine();
  box.write('iris.ipynb', IRIS);
  for (const depth of [1, 2, 4]) {
    const started = await engine.start({ notebook: { path: 'iris.ipynb' }, parameters: { depth } });
    const run = await engine.wait(started.id);
    expect(run.state).toBe('succeeded');
    const train = run.tasks.find(t => t.name === 'train')!;
    runs[depth] = { id: run.id, accuracy: run.metrics!.accuracy, modelPath: train.outputs!.artifacts.model.path };
  }
  expect(runs[1].accuracy).toBeLessThan(runs[2].accuracy);
  expect(runs[4].accuracy).toBeGreaterThan(runs[2].accuracy);
  service = new DeploymentService(engine, { dataDir: box.data, script: modelServerScript(), backoffMs: { initial: 200, max: 2000, resetAfter: 60_000 } });
  service.onEvent(e => events.push(e));
  const router = new Router();
  addDeploymentRoutes(router, service);
  const http = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const found = router.match(req.method!, url.pathname);
    if (found && found !== 'method') {
      void found.handler({ req, res, caller: { user: 'alice' } as never, params: found.params, url });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>(r => http.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  close = () => new Promise(r => (http.closeAllConnections(), http.close(() => r())));
});

afterAll(async () => {
  await service?.shutdown();
  await close?.();
  await box?.cleanup();
});

describe('a deployed model', () => {
  it('answers V1 and V2 exactly as the model predicts, and is healthy and ready', async () => {
    const created = await call('POST', '/api/deployments', {
      run: runs[2].id, output: 'model', name: 'iris', wait: true, gate: { metric: 'accuracy', direction: 'maximize', margin: 0.01 }
    });
    expect(created.status).toBe(201);
    expect(created.body.deployment.versions[0]).toMatchObject({ id: 'v1', role: 'champion', format: 'joblib', metrics: { accuracy: runs[2].accuracy }, server: { state: 'ready' } });
    expect(created.body.deployment.versions[0].modelType).toMatch(/DecisionTreeClassifier$/);
    const expected = ownPredictions(runs[2].modelPath);

    const v1 = await call('POST', '/api/deployments/iris/predict', { instances: INSTANCES });
    expect(v1.status).toBe(200);
    expect(v1.body.predictions).toEqual(expected);
    expect(v1.body).toMatchObject({ version: 'v1', role: 'champion' });
    expect(typeof v1.body.request_id).toBe('string');
    expect(v1.body.latency_ms).toBeGreaterThan(0);
    expect(v1.headers.get('x-kubeflow-version')).toBe('v1');

    const v2 = await call('POST', '/api/deployments/iris/v2/infer', {
      inputs: [{ name: 'input-0', shape: [INSTANCES.length, 4], datatype: 'FP64', data: INSTANCES.flat() }]
    });
    expect(v2.status).toBe(200);
    expect(v2.body.outputs[0].data).toEqual(expected);
    expect(v2.body.id).toBe(v2.headers.get('x-request-id'));
    expect(v2.body.parameters).toMatchObject({ version: 'v1', role: 'champion' });

    // Health and readiness, on the server itself (only the bridge knows its port).
    const port = service.pool.port('iris/v1')!;
    expect(await (await fetch(`http://127.0.0.1:${port}/v2/health/live`)).json()).toEqual({ live: true });
    expect(await (await fetch(`http://127.0.0.1:${port}/v2/models/iris/ready`)).json()).toEqual({ name: 'iris', ready: true });
    // ... and no answer of the bridge gives that port away.
    const listed = await call('GET', '/api/deployments');
    expect(JSON.stringify([listed.body, created.body, v1.body, v2.body])).not.toContain(String(port));
    expect(events.some(e => e.type === 'deployment' && 'versions' in e.deployment)).toBe(true);
  });

  it('refuses bad requests naming the field', async () => {
    expect((await call('POST', '/api/deployments', { run: runs[2].id, name: 'Iris!' })).body.error.field).toBe('name');
    expect((await call('POST', '/api/deployments', { run: 'nope', name: 'x' })).body.error).toMatchObject({ code: 404, field: 'run' });
    expect((await call('POST', '/api/deployments', { run: runs[2].id, output: 'accuracy', name: 'x' })).body.error.field).toBe('output');
    expect((await call('POST', '/api/deployments/iris/predict', { rows: [] })).body.error.field).toBe('instances');
    expect((await call('POST', '/api/deployments/iris/feedback', { request_id: 'nope', reward: 1 })).body.error).toMatchObject({ code: 404, field: 'request_id' });
    const wrong = await call('POST', '/api/deployments/iris/predict', { instances: [[1, 2]] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/features/);
  });

  it('restarts a model server that was killed', async () => {
    const pid = service.pool.pid('iris/v1')!;
    process.kill(pid, 'SIGKILL');
    await until(() => service.get('iris').versions[0].server?.state === 'restarting', 10_000);
    await until(() => service.get('iris').versions[0].server?.state === 'ready', 90_000);
    expect(service.get('iris').versions[0].server?.restarts).toBe(1);
    expect(service.pool.pid('iris/v1')).not.toBe(pid);
    const again = await call('POST', '/api/deployments/iris/predict', { instances: INSTANCES });
    expect(again.body.predictions).toEqual(ownPredictions(runs[2].modelPath));
  });

  it('refuses to promote a worse challenger with both numbers, promotes a better one', async () => {
    // The pipeline's gate: a worse model never replaces the champion, and nothing changes.
    const gated = await call('POST', '/api/deployments', {
      run: runs[1].id, name: 'iris', role: 'challenger', promoteIf: { metric: 'accuracy', direction: 'maximize', margin: 0.01 }
    });
    expect(gated.status).toBe(409);
    expect(gated.body).toMatchObject({ champion: { metric: 'accuracy', value: runs[2].accuracy }, challenger: { metric: 'accuracy', value: runs[1].accuracy } });
    expect(service.get('iris').versions).toHaveLength(1);

    // A worse challenger with a share of traffic: promote is refused.
    const added = await call('POST', '/api/deployments/iris/challenger', { run: runs[1].id, challengerPercent: 50, wait: true });
    expect(added.status).toBe(201);
    const refused = await call('POST', '/api/deployments/iris/promote');
    expect(refused.status).toBe(409);
    expect(refused.body.champion).toEqual({ metric: 'accuracy', value: runs[2].accuracy });
    expect(refused.body.challenger).toEqual({ metric: 'accuracy', value: runs[1].accuracy });
    expect((await call('POST', '/api/deployments/iris/rollback')).body.versions.map((v: any) => v.role)).toEqual(['champion', 'retired']);

    // A better one through the pipeline gate: promoted at once.
    const better = await call('POST', '/api/deployments', {
      run: runs[4].id, name: 'iris', role: 'challenger', promoteIf: { metric: 'accuracy', direction: 'maximize', margin: 0.01 }, wait: true
    });
    expect(better.status).toBe(201);
    expect(better.body.promoted).toBe(true);
    const champion = better.body.deployment.versions.find((v: any) => v.role === 'champion');
    expect(champion).toMatchObject({ run: runs[4].id, server: { state: 'ready' } });
    const answer = await call('POST', '/api/deployments/iris/predict', { instances: INSTANCES });
    expect(answer.body).toMatchObject({ version: champion.id, predictions: ownPredictions(runs[4].modelPath) });
  });

  it('records which version answered and takes feedback', async () => {
    const a = await call('POST', '/api/deployments/iris/predict', { instances: INSTANCES });
    const fb = await call('POST', '/api/deployments/iris/feedback', { request_id: a.body.request_id, reward: 1 });
    expect(fb.body).toEqual({ request_id: a.body.request_id, version: a.body.version, reward: 1 });
    expect((await call('POST', '/api/deployments/iris/feedback', { request_id: a.body.request_id, reward: 1 })).status).toBe(409);
    service.flush();
    const d = (await call('GET', '/api/deployments/iris')).body;
    const v = d.versions.find((x: any) => x.id === a.body.version);
    expect(v.stats.requests).toBeGreaterThanOrEqual(2);
    expect(v.stats).toMatchObject({ rewards: 1, rewardSum: 1 });
  });

  it('comes back after a restart (a new service on the same store), and is deleted', async () => {
    await service.shutdown();
    const engine = box.engine();
    service = new DeploymentService(engine, { dataDir: box.data, script: modelServerScript() });
    service.resume();
    const d = service.get('iris');
    const champion = d.versions.find(v => v.role === 'champion')!;
    await service.pool.whenReady(`iris/${champion.id}`);
    const answer = await service.predict('iris', { instances: INSTANCES });
    expect(answer.body.predictions).toEqual(ownPredictions(runs[4].modelPath));
    expect(champion.stats.requests).toBeGreaterThanOrEqual(2); // counters were persisted
    const pid = service.pool.pid(`iris/${champion.id}`)!;
    await service.remove('iris');
    expect(() => service.get('iris')).toThrow(/no deployment iris/);
    await until(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 10_000);
  });
});
