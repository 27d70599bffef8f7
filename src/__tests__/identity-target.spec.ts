/**
 * Who the user is on Kubeflow (the status header's model) and where a run
 * goes (target and experiment resolution, the options sent to the bridge).
 */
import { Signal } from '@lumino/signaling';
import { defaultsFrom, effectiveTarget, experimentFor, runOptionsOf, wantedTarget, withTarget } from '../pipeline/target';
import { BridgeError } from '../service/client';
import type { BridgeConnection, IConnectionState } from '../service/connection';
import { IdentityModel, identityState, NO_KFP_ENDPOINT, NOT_CONNECTED } from '../service/identity';
import { RunsClient } from '../service/runs';
import { runTargetChoice } from '../panels/runs/target-choice';

const SHARED = { mode: 'shared' as const, user: 'alice', namespace: 'team-a', serviceAccount: 'default-editor' };
const LAPTOP = 'Kubeflow is not configured for this Jupyter server: it runs pipelines on this machine only.';

describe('identityState', () => {
  it('is unknown before a greeting', () => {
    expect(identityState(null, null)).toEqual({
      status: 'unknown', kubeflow: false, mode: null, namespace: null, serviceAccount: null, kfpEndpoint: null, reason: NOT_CONNECTED
    });
  });

  it('shows namespace, service account and endpoint when the bridge offers kubeflow', () => {
    expect(identityState(['local', 'kubeflow'], { identity: { ...SHARED, kfpEndpoint: 'http://ml-pipeline:8888' } })).toEqual({
      status: 'ready', kubeflow: true, mode: 'shared', namespace: 'team-a', serviceAccount: 'default-editor',
      kfpEndpoint: 'http://ml-pipeline:8888', reason: null
    });
  });

  it('knows the user but is local only without a KFP endpoint', () => {
    expect(identityState(['local'], { identity: SHARED })).toEqual({
      status: 'ready', kubeflow: false, mode: 'shared', namespace: 'team-a', serviceAccount: 'default-editor',
      kfpEndpoint: null, reason: NO_KFP_ENDPOINT
    });
  });

  it('says why in mode none', () => {
    expect(identityState(['local'], { identity: { mode: 'none', reason: LAPTOP } })).toEqual({
      status: 'none', kubeflow: false, mode: 'none', namespace: null, serviceAccount: null, kfpEndpoint: null, reason: LAPTOP
    });
  });

  it('shows the 403 of an unmapped user as refused, other failures as errors', () => {
    const message = "user 'mallory' is not known to the Kubeflow bridge";
    expect(identityState(['local', 'kubeflow'], { error: { status: 403, message } })).toMatchObject({
      status: 'refused', kubeflow: false, reason: message
    });
    expect(identityState(['local'], { error: { status: 0, message: 'offline' } })).toMatchObject({ status: 'error', reason: 'offline' });
  });
});

describe('IdentityModel', () => {
  function fakeConnection() {
    const changed = new Signal<unknown, IConnectionState>({});
    const conn = {
      state: { status: 'connecting', facts: null, message: '', attempt: 0, retryAt: null } as IConnectionState,
      stateChanged: changed,
      hello(engines: string[]) {
        conn.state = { ...conn.state, status: 'connected', facts: { version: '1', engines, user: 'alice' } };
        changed.emit(conn.state);
      }
    };
    return conn;
  }
  const settle = () => new Promise(resolve => setTimeout(resolve, 0));

  it('asks GET identity after each greeting', async () => {
    const conn = fakeConnection();
    const asked: string[] = [];
    const model = new IdentityModel(conn as unknown as BridgeConnection, {
      request: async <T>(path: string) => {
        asked.push(path);
        return SHARED as T;
      }
    });
    expect(model.state.status).toBe('unknown');
    conn.hello(['local']);
    expect(model.state.status).toBe('loading');
    await settle();
    expect(model.state).toMatchObject({ status: 'ready', kubeflow: false, namespace: 'team-a', reason: NO_KFP_ENDPOINT });
    conn.hello(['local', 'kubeflow']); // the bridge restarted with Kubeflow configured
    await settle();
    expect(asked).toEqual(['identity', 'identity']);
    expect(model.state).toMatchObject({ status: 'ready', kubeflow: true, reason: null });
    model.dispose();
  });

  it('shows the bridge message of a 403', async () => {
    const conn = fakeConnection();
    const model = new IdentityModel(conn as unknown as BridgeConnection, {
      request: () => Promise.reject(new BridgeError(403, "user 'bob' is not known to the Kubeflow bridge"))
    });
    conn.hello(['local', 'kubeflow']);
    await settle();
    expect(model.state).toMatchObject({ status: 'refused', kubeflow: false, reason: "user 'bob' is not known to the Kubeflow bridge" });
  });
});

describe('target and experiment', () => {
  it('reads the defaults from the settings registry', () => {
    expect(defaultsFrom(undefined)).toEqual({ target: 'local', experiment: '' });
    expect(defaultsFrom({ defaultTarget: 'kubeflow', kubeflow: { defaultExperiment: ' nightly ' } })).toEqual({
      target: 'kubeflow', experiment: 'nightly'
    });
    expect(defaultsFrom({ defaultTarget: 'argo', kubeflow: 'x' })).toEqual({ target: 'local', experiment: '' });
  });

  it('takes the notebook target first, else the default; kubeflow only when available', () => {
    const defaults = { target: 'kubeflow' as const, experiment: 'team' };
    expect(wantedTarget({}, defaults)).toBe('kubeflow');
    expect(wantedTarget({ target: 'local' }, defaults)).toBe('local');
    expect(effectiveTarget('kubeflow', true)).toBe('kubeflow');
    expect(effectiveTarget('kubeflow', false)).toBe('local');
    expect(effectiveTarget('local', true)).toBe('local');
  });

  it('takes the notebook experiment first, else the default, else none', () => {
    expect(experimentFor({ experiment: ' mine ' }, { target: 'local', experiment: 'team' })).toBe('mine');
    expect(experimentFor({ experiment: '  ' }, { target: 'local', experiment: 'team' })).toBe('team');
    expect(experimentFor({}, { target: 'local', experiment: '' })).toBeUndefined();
  });

  it('sends only the options the bridge accepts for the engine', () => {
    expect(runOptionsOf('local', true, 'team')).toEqual({ engine: 'local', cache: true });
    expect(runOptionsOf('kubeflow', false, 'team')).toEqual({ engine: 'kubeflow', cache: false, experiment: 'team' });
    expect(runOptionsOf('kubeflow', true)).toEqual({ engine: 'kubeflow', cache: true });
  });

  it('writes target beside the other settings, never over garbage', () => {
    expect(withTarget({ name: 'p', custom: 1 }, 'kubeflow')).toEqual({ ok: { name: 'p', custom: 1, target: 'kubeflow' } });
    expect(withTarget(undefined, 'local')).toEqual({ ok: { target: 'local' } });
    expect(withTarget('oops', 'local')).toEqual({
      error: 'notebook metadata "kubeflow" is not an object; fix it in the notebook metadata first'
    });
  });

  it('offers the Run dialog the resolved target, experiment and identity', () => {
    const ready = identityState(['local', 'kubeflow'], { identity: SHARED });
    expect(runTargetChoice({ target: 'kubeflow' }, { target: 'local', experiment: 'team' }, ready)).toEqual({
      target: 'kubeflow', available: true, reason: null, experiment: 'team', identity: 'team-a · default-editor'
    });
    const laptop = identityState(['local'], { identity: { mode: 'none', reason: LAPTOP } });
    expect(runTargetChoice({ target: 'kubeflow', experiment: 'x' }, { target: 'local', experiment: '' }, laptop)).toEqual({
      target: 'local', available: false, reason: LAPTOP, experiment: 'x'
    });
  });

  it('RunsClient.start posts the engine and experiment', async () => {
    const sent: unknown[] = [];
    const client = new RunsClient({
      request: async <T>(_path: string, init?: RequestInit) => {
        sent.push(JSON.parse(String(init?.body)));
        return {} as T;
      },
      serverSettings: {} as never
    });
    await client.start({ path: 'a.ipynb', parameters: { n: 1 }, cache: true, engine: 'kubeflow', experiment: 'team' });
    await client.start({ path: 'a.ipynb', parameters: {}, cache: false });
    expect(sent).toEqual([
      { notebook: { path: 'a.ipynb' }, parameters: { n: 1 }, options: { engine: 'kubeflow', cache: true, experiment: 'team' } },
      { notebook: { path: 'a.ipynb' }, parameters: {}, options: { engine: 'local', cache: false } }
    ]);
  });
});
