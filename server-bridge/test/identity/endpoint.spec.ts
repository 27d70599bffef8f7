/**
 * `GET /api/identity` names the KFP endpoint (read-only, for the panel) when
 * the kubeflow engine is on, and only then; never a token.
 */
import type { AddressInfo } from 'node:net';
import { KubeflowEngine } from '../../src/engines/kubeflow/engine';
import { createBridgeServer, BridgeServer } from '../../src/http/server';
import type { Identity } from '../../src/identity/setup';
import type { UserIdentity } from '../../src/identity/types';
import { createLogger } from '../../src/log';
import { sandbox, Sandbox } from '../engine/helpers';

const SECRET = 'test-secret-0123456789';
const ALICE: UserIdentity = { user: 'alice', namespace: 'team-a', serviceAccount: 'default-editor', mode: 'shared' };
const resolver = { resolve: async () => ALICE };
const tokens = { token: async () => 'secret-token-never-returned' };
const identity = {
  mode: 'shared',
  resolver,
  tokens,
  kube: { forUser: async () => { throw new Error('not in this test'); } }
} as unknown as Identity;

let box: Sandbox;
let bridge: BridgeServer;

async function identityOf(withKubeflow: boolean): Promise<{ [key: string]: unknown }> {
  const local = box.engine();
  const kubeflow = withKubeflow
    ? new KubeflowEngine({ endpoint: 'http://kfp.test:8888', store: local.store, rootDir: box.root, resolver, tokens })
    : undefined;
  bridge = createBridgeServer({ secret: SECRET, kernelToken: '', owner: 'o' }, createLogger(() => undefined), { engine: local, identity, kubeflow });
  await new Promise<void>(resolve => bridge.http.listen(0, '127.0.0.1', resolve));
  const port = (bridge.http.address() as AddressInfo).port;
  const res = await fetch(`http://127.0.0.1:${port}/api/identity`, {
    headers: { 'X-Kubeflow-Bridge-Secret': SECRET, 'X-Kubeflow-User': 'alice' }
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { [key: string]: unknown };
}

beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await bridge?.close();
  await box.cleanup();
});

it('names the KFP endpoint when the kubeflow engine is on', async () => {
  expect(await identityOf(true)).toEqual({
    mode: 'shared', user: 'alice', namespace: 'team-a', serviceAccount: 'default-editor', kfpEndpoint: 'http://kfp.test:8888'
  });
});

it('leaves it out without the kubeflow engine', async () => {
  expect(await identityOf(false)).toEqual({ mode: 'shared', user: 'alice', namespace: 'team-a', serviceAccount: 'default-editor' });
});
