/**
 * `/api/identity` and the Katib/KServe routes over real HTTP, with a fake
 * identity: requests are checked (400 naming the field, 403 naming the
 * namespace) before the cluster is asked, and unknown users get 403.
 */
import type { AddressInfo } from 'node:net';
import { createBridgeServer, BridgeServer } from '../../src/http/server';
import type { Identity } from '../../src/identity/setup';
import { IdentityError, UserIdentity } from '../../src/identity/types';
import { createLogger } from '../../src/log';

const SECRET = 'test-secret-0123456789';
let bridge: BridgeServer;
let base: string;
let asked: string[];

const USERS: { [user: string]: UserIdentity } = {
  alice: { user: 'alice', namespace: 'team-a', serviceAccount: 'default-editor', mode: 'shared' }
};

function fakeIdentity(): Identity {
  const resolver = {
    resolve: async (user: string) => {
      const found = USERS[user];
      if (!found) {
        throw new IdentityError(`user '${user}' is not known to the Kubeflow bridge`);
      }
      return found;
    }
  };
  return {
    mode: 'shared',
    resolver,
    tokens: { token: async () => 'never-used' },
    kube: {
      forUser: async (user: string) => {
        asked.push(user);
        throw new Error('the cluster must not be asked in these tests');
      }
    }
  };
}

async function start(identity?: Identity) {
  asked = [];
  bridge = createBridgeServer({ secret: SECRET, kernelToken: '', owner: 'o' }, createLogger(() => undefined), { identity });
  await new Promise<void>(resolve => bridge.http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(bridge.http.address() as AddressInfo).port}`;
}

afterEach(() => bridge.close());

const call = async (user: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(base + path, {
    method,
    headers: { 'X-Kubeflow-Bridge-Secret': SECRET, 'X-Kubeflow-User': user, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  return { status: res.status, body: (await res.json()) as { [k: string]: any } };
};

const experiment = (extra: object = {}, metadata: object = {}) => ({
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'Experiment',
  metadata: { name: 'tune-1', ...metadata },
  spec: { objective: { type: 'maximize' } },
  ...extra
});

describe('GET /api/identity', () => {
  it('says why Kubeflow is unavailable on a laptop', async () => {
    await start();
    const { status, body } = await call('alice', 'GET', '/api/identity');
    expect(status).toBe(200);
    expect(body.mode).toBe('none');
    expect(body.reason).toMatch(/Kubeflow is not configured/);
  });

  it('answers namespace and service account, never a token', async () => {
    await start(fakeIdentity());
    const { status, body } = await call('alice', 'GET', '/api/identity');
    expect(status).toBe(200);
    expect(body).toEqual({ mode: 'shared', user: 'alice', namespace: 'team-a', serviceAccount: 'default-editor' });
  });

  it('refuses an unmapped user with 403', async () => {
    await start(fakeIdentity());
    const { status, body } = await call('mallory', 'GET', '/api/identity');
    expect(status).toBe(403);
    expect(body.error.message).toMatch(/user 'mallory' is not known/);
  });
});

describe('POST /api/katib/experiments and /api/kserve/inferenceservices', () => {
  beforeEach(() => start(fakeIdentity()));

  it.each([
    [{ ...experiment(), apiVersion: 'kubeflow.org/v1' }, 'apiVersion', /apiVersion must be 'kubeflow.org\/v1beta1', not "kubeflow.org\/v1"/],
    [{ ...experiment(), kind: 'Trial' }, 'kind', /kind must be 'Experiment', not "Trial"/],
    [experiment({}, { name: 'Tune_1' }), 'metadata.name', /metadata.name must be a DNS-1123 label/],
    [experiment({}, { name: 'x'.repeat(64) }), 'metadata.name', /DNS-1123/],
    [{ ...experiment(), metadata: 'tune' }, 'metadata', /metadata must be an object/],
    [{ ...experiment(), spec: undefined }, 'spec', /spec must be an object/],
    [experiment({ status: { conditions: [] } }), 'status', /unknown top-level field status/],
    [[1], 'body', /the body must be an Experiment object/]
  ])('400 names the field (%#)', async (body, field, message) => {
    const { status, body: answer } = await call('alice', 'POST', '/api/katib/experiments', body);
    expect(status).toBe(400);
    expect(answer.error.field).toBe(field);
    expect(answer.error.message).toMatch(message);
    expect(asked).toEqual([]);
  });

  it('refuses another namespace with 403 naming both, before asking the cluster', async () => {
    const { status, body } = await call('alice', 'POST', '/api/katib/experiments', experiment({}, { namespace: 'team-b' }));
    expect(status).toBe(403);
    expect(body.error).toMatchObject({ field: 'metadata.namespace' });
    expect(body.error.message).toBe(`you may create an Experiment only in your namespace 'team-a', not in "team-b"`);
    expect(asked).toEqual([]);
  });

  it('InferenceService names must start with a letter (they become host names)', async () => {
    const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: '1model' }, spec: { predictor: {} } };
    const { status, body } = await call('alice', 'POST', '/api/kserve/inferenceservices', isvc);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/DNS-1035 label/);
  });

  it('refuses an unmapped user with 403 before anything else', async () => {
    const { status, body } = await call('mallory', 'POST', '/api/kserve/inferenceservices', { kind: 'Nope' });
    expect(status).toBe(403);
    expect(body.error.message).toMatch(/not known/);
  });

  it('checks the name in GET', async () => {
    const { status, body } = await call('alice', 'GET', '/api/katib/experiments/Bad_Name');
    expect(status).toBe(400);
    expect(body.error.field).toBe('name');
  });

  it('answers 503 with the reason when Kubeflow is not configured', async () => {
    await bridge.close();
    await start();
    const { status, body } = await call('alice', 'POST', '/api/katib/experiments', experiment());
    expect(status).toBe(503);
    expect(body.error.message).toMatch(/Kubeflow is not configured/);
  });
});
