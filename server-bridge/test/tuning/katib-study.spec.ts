/**
 * `POST /api/studies` with `target: 'kubeflow'`: the Experiment is built for
 * the caller's namespace and created with the caller's token; what Katib
 * would refuse (the namespace label) is explained before anything is
 * created; `dryRun` shows the Experiment without creating it. The cluster
 * calls are a recording stand-in (KatibCluster): that they go out with the
 * user's token is kube/objects.ts's, tested against a real kube-apiserver
 * in tests/cluster.
 */
import type { AddressInfo } from 'node:net';
import { createBridgeServer, BridgeServer } from '../../src/http/server';
import type { Identity } from '../../src/identity/setup';
import { createLogger } from '../../src/log';
import type { KatibCluster } from '../../src/tuning/katib-study';
import { Sandbox, sandbox } from '../engine/helpers';
import { QUADRATIC, spec, studies } from './helpers';

const SECRET = 'test-secret-0123456789';
let box: Sandbox;
let bridge: BridgeServer;
let base: string;
let labels: { [k: string]: string } | null;
let seen: { call: string; user: string; body?: any }[];

const IDENTITY: Identity = {
  mode: 'shared',
  resolver: { resolve: async user => ({ user, namespace: 'team-a', serviceAccount: 'default-editor', mode: 'shared' }) },
  tokens: { token: async () => 'unused' },
  kube: { forUser: async () => { throw new Error('not asked: the cluster is the stand-in below'); } }
};

const CLUSTER: KatibCluster = {
  namespaceOf: async user => {
    seen.push({ call: 'namespace', user });
    return { namespace: user === 'alice' ? 'team-a' : 'team-b', labels };
  },
  create: async (user, experiment) => {
    seen.push({ call: 'create', user, body: experiment });
    return { ...experiment, metadata: { ...experiment.metadata, uid: 'u-1' } };
  }
};

beforeEach(async () => {
  seen = [];
  labels = { 'katib.kubeflow.org/metrics-collector-injection': 'enabled' };
  box = sandbox();
  box.write('quad.ipynb', QUADRATIC);
  const { manager, engine } = studies(box);
  bridge = createBridgeServer({ secret: SECRET, kernelToken: '', owner: 'o' }, createLogger(() => undefined), {
    engine, studies: manager, identity: IDENTITY, katibCluster: CLUSTER
  });
  await new Promise<void>(resolve => bridge.http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(bridge.http.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await bridge.close();
  await box.cleanup();
});

const post = async (body: unknown) => {
  const res = await fetch(`${base}/api/studies`, {
    method: 'POST',
    headers: { 'X-Kubeflow-Bridge-Secret': SECRET, 'X-Kubeflow-User': 'alice', 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  });
  return { status: res.status, body: (await res.json()) as any };
};
const STUDY = { notebook: { path: 'quad.ipynb' }, spec: spec({ budget: { maxTrials: 10, parallelTrials: 2, maxFailedTrials: 1 } }), target: 'kubeflow' };

it('creates the Experiment in the caller\'s namespace, as the caller', async () => {
  const { status, body } = await post({ ...STUDY, name: 'quad-tune' });
  expect(status).toBe(201);
  expect(body).toMatchObject({ target: 'kubeflow', namespace: 'team-a', created: true, problems: [] });
  expect(body.experiment.metadata).toMatchObject({ name: 'quad-tune', namespace: 'team-a', uid: 'u-1' });
  const create = seen.find(s => s.call === 'create')!;
  expect(create.user).toBe('alice');
  expect(create.body.metadata.namespace).toBe('team-a');
  expect(create.body.spec.maxTrialCount).toBe(10);
  expect(create.body.spec.trialTemplate.trialParameters.map((p: any) => p.name)).toEqual(['x', 'y']);
});

it('explains a missing namespace label and creates nothing', async () => {
  labels = {};
  const { status, body } = await post(STUDY);
  expect(status).toBe(400);
  expect(body.error.field).toBe('target');
  expect(body.error.message).toContain('lacks the label katib.kubeflow.org/metrics-collector-injection=enabled');
  expect(seen.some(s => s.call === 'create')).toBe(false);
});

it('shows the Experiment and the problems on a dry run', async () => {
  labels = null;
  const { status, body } = await post({ ...STUDY, dryRun: true });
  expect(status).toBe(200);
  expect(body.created).toBe(false);
  expect(body.experiment.metadata.name).toMatch(/^quad-[0-9a-f]{4}$/);
  expect(body.problems.map((p: any) => [p.severity, p.field])).toEqual([['warning', 'namespace']]);
  expect(seen.some(s => s.call === 'create')).toBe(false);
});

it('refuses a bad spec or a local-only field before asking the cluster', async () => {
  expect((await post({ ...STUDY, spec: spec({ objective: { metric: 'acc', direction: 'maximize' } }) })).body.error.field).toBe('spec.objective.metric');
  expect((await post({ ...STUDY, target: 'local', dryRun: true })).body.error.field).toBe('dryRun');
  expect((await post({ ...STUDY, name: 'Bad_Name' })).body.error).toMatchObject({ code: 400, field: 'name' });
  expect(seen.filter(s => s.call === 'create')).toEqual([]);
});

it('refuses a namespace that is not the caller\'s before anything is created', async () => {
  const { status, body } = await post({ ...STUDY, namespace: 'team-b' });
  expect(status).toBe(403);
  expect(body.error.field).toBe('namespace');
  expect(body.error.message).toContain("only in your namespace 'team-a', not in 'team-b'");
  expect(seen.some(s => s.call === 'create')).toBe(false);
  expect((await post({ ...STUDY, namespace: 'team-a', dryRun: true })).status).toBe(200);
});
