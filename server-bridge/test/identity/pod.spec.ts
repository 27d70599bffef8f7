/** Pod mode: the pod's namespace and SA for every user; tokens read again on each use (they rotate). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodIdentity, podPaths, serviceAccountOf } from '../../src/identity/pod';

const jwt = (sub: string) =>
  ['e30', Buffer.from(JSON.stringify({ sub })).toString('base64url'), 'sig'].join('.');

function pod() {
  const dir = mkdtempSync(join(tmpdir(), 'kfb-pod-'));
  writeFileSync(join(dir, 'namespace'), 'kubeflow-alice\n');
  writeFileSync(join(dir, 'token'), jwt('system:serviceaccount:kubeflow-alice:default-editor'));
  const kfp = join(dir, 'kfp-token');
  writeFileSync(kfp, 'kfp-token-1\n');
  const paths = podPaths({ KUBEFLOW_BRIDGE_SA_DIR: dir, KF_PIPELINES_SA_TOKEN_PATH: kfp });
  return { dir, kfp, identity: new PodIdentity(paths) };
}

describe('pod mode', () => {
  it('maps every user to the pod namespace and the SA named in its token', async () => {
    const { identity } = pod();
    expect(await identity.resolve('anyone')).toEqual({ user: 'anyone', namespace: 'kubeflow-alice', serviceAccount: 'default-editor', mode: 'pod' });
  });

  it('re-reads the rotating KFP token file on every use', async () => {
    const { identity, kfp } = pod();
    expect(await identity.token('alice', 'kfp')).toBe('kfp-token-1');
    writeFileSync(kfp, 'kfp-token-2\n');
    expect(await identity.token('alice', 'kfp')).toBe('kfp-token-2');
  });

  it('explains a missing KFP token (the PodDefault) with 503', async () => {
    const { identity, kfp } = pod();
    const missing = new PodIdentity({ ...podPaths({}), namespaceFile: join(kfp, '..', 'namespace'), kfpTokenFile: '/nonexistent/token' });
    await expect(missing.token('alice', 'kfp')).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/access-ml-pipeline/) });
    expect(identity).toBeDefined();
  });

  it('says so when not in a pod', async () => {
    const outside = new PodIdentity({ namespaceFile: '/nonexistent/namespace', kubeTokenFile: '/nonexistent/token', kfpTokenFile: '/nonexistent/kfp' });
    await expect(outside.resolve('alice')).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/is the bridge running in a Kubernetes pod/) });
  });

  it('reads the SA from a token subject only', () => {
    expect(serviceAccountOf(jwt('system:serviceaccount:ns:my-sa'))).toBe('my-sa');
    expect(serviceAccountOf(jwt('alice'))).toBeUndefined();
    expect(serviceAccountOf('not-a-jwt')).toBeUndefined();
  });
});
