/**
 * The Deploy view's models: the deployments list from the API and the
 * `deployment` events, the traffic and gate texts, a refused promotion's
 * message from the 409 body, and the Deploy dialog's checks.
 */
import { Signal } from '@lumino/signaling';
import { nullTranslator } from '@jupyterlab/translation';
import { BridgeEventBase, DeploymentWire, isServableArtifact, VersionWire } from '../../core/src/protocol';
import type { IConnectionState } from '../service/connection';
import { DeploymentError } from '../service/deployments';
import { initialForm, requestOf, suggestName } from '../panels/deploy/deploy-form';
import { DeploymentModel, parseInstances } from '../panels/deploy/deployment-model';
import { deploymentState, gateText, refusalText, trafficText } from '../panels/deploy/format';
import { DeploymentsModel } from '../panels/deploy/model';

const trans = nullTranslator.load('jupyterlab_kubeflow');
const T0 = 1_700_000_000_000;
const kserveStatus = { name: 'iris', ready: true, reason: null, url: null, traffic: [], canaries: [], modelState: null, explanation: null, challengerPercent: 0, graph: null };

function version(id: string, role: VersionWire['role'], extra: Partial<VersionWire> = {}): VersionWire {
  return {
    id,
    role,
    run: `run-${id}`,
    task: 'train',
    output: 'model',
    format: 'joblib',
    modelType: 'sklearn.tree._classes.DecisionTreeClassifier',
    metrics: { accuracy: role === 'champion' ? 0.96 : 0.62 },
    createdAt: T0,
    stats: { requests: 0, errors: 0, rewards: 0, rewardSum: 0 },
    server: role === 'retired' ? null : { state: 'ready', restarts: 0, error: null },
    ...extra
  };
}

function deployment(name: string, extra: Partial<DeploymentWire> = {}): DeploymentWire {
  return {
    name,
    user: 'ada',
    createdAt: T0,
    updatedAt: T0,
    routing: { mode: 'split', challengerPercent: 0 },
    gate: { metric: 'accuracy', direction: 'maximize', margin: 0.01 },
    versions: [version('v1', 'champion')],
    url: `/api/deployments/${name}`,
    ...extra
  };
}

class FakeConnection {
  event = new Signal<this, BridgeEventBase>(this);
  stateChanged = new Signal<this, IConnectionState>(this);
  state: IConnectionState = {
    status: 'connected',
    facts: { version: '0', engines: ['local'], user: 'ada' },
    message: '',
    attempt: 0,
    retryAt: null
  };
  setStatus(status: IConnectionState['status']) {
    this.state = { ...this.state, status };
    this.stateChanged.emit(this.state);
  }
}

function setup(list: DeploymentWire[] = [deployment('iris')]) {
  const connection = new FakeConnection();
  const client = { list: jest.fn(async () => list) };
  const model = new DeploymentsModel(client, connection);
  return { connection, client, model };
}

describe('DeploymentsModel', () => {
  it('loads the list, then follows deployment events (update, delete) and ignores others', async () => {
    const { connection, model } = setup();
    const changes = jest.fn();
    model.changed.connect(changes);
    await model.load();
    expect(model.deployments.map(d => d.name)).toEqual(['iris']);
    expect(model.loaded).toBe(true);

    const withChallenger = deployment('iris', {
      updatedAt: T0 + 1,
      routing: { mode: 'split', challengerPercent: 25 },
      versions: [version('v1', 'champion'), version('v2', 'challenger', { server: { state: 'starting', restarts: 0, error: null } })]
    });
    connection.event.emit({ type: 'deployment', deployment: withChallenger });
    expect(model.get('iris')?.versions.map(v => `${v.id}:${v.role}`)).toEqual(['v1:champion', 'v2:challenger']);
    expect(deploymentState(model.get('iris')!)).toBe('starting');

    connection.event.emit({ type: 'deployment', deployment: deployment('wine') });
    expect(model.deployments.map(d => d.name)).toEqual(['iris', 'wine']);
    connection.event.emit({ type: 'run', run: { id: 'r1' } });
    connection.event.emit({ type: 'deployment', deployment: { name: 'iris', deleted: true } });
    expect(model.deployments.map(d => d.name)).toEqual(['wine']);
    expect(changes).toHaveBeenCalledTimes(4);
  });

  it('reloads after a reconnect (events were missed) and reports a failed load', async () => {
    const { connection, client, model } = setup();
    connection.setStatus('reconnecting');
    connection.setStatus('connected');
    await Promise.resolve();
    expect(client.list).toHaveBeenCalledTimes(1);
    client.list.mockRejectedValueOnce(new Error('bridge restarting'));
    await model.load();
    expect(model.error).toBe('bridge restarting');
    expect(model.engines).toEqual(['local']);
  });

  it('adopts an answer unless the model already has a newer state', async () => {
    const { model } = setup([deployment('iris', { updatedAt: T0 + 5 })]);
    await model.load();
    model.adopt(deployment('iris', { updatedAt: T0 + 1, gate: null }));
    expect(model.get('iris')?.gate?.metric).toBe('accuracy');
    model.adopt(deployment('iris', { updatedAt: T0 + 6, gate: null }));
    expect(model.get('iris')?.gate).toBeNull();
  });
});

describe('traffic and gate texts', () => {
  const two = deployment('iris', {
    routing: { mode: 'split', challengerPercent: 20 },
    versions: [version('v1', 'champion'), version('v2', 'challenger'), version('v0', 'retired')]
  });

  it('a fixed split names each live version with its share', () => {
    expect(trafficText(deployment('iris'), trans)).toBe('champion v1 100%');
    expect(trafficText(two, trans)).toBe('champion v1 80% · challenger v2 20%');
  });

  it('a bandit names its policy and each version’s requests and rewards', () => {
    const stats = { requests: 40, errors: 0, rewards: 10, rewardSum: 7.5 };
    const d = { ...two, routing: { mode: 'epsilon-greedy' as const, epsilon: 0.1 }, versions: [version('v1', 'champion', { stats }), version('v2', 'challenger')] };
    expect(trafficText(d, trans)).toBe(
      'epsilon-greedy (ε = 0.1) · champion v1: 40 requests, 10 rewards, mean reward 0.75 · challenger v2: 0 requests, 0 rewards'
    );
    const one = { requests: 1, errors: 0, rewards: 1, rewardSum: 1 };
    expect(trafficText({ ...d, versions: [version('v1', 'champion', { stats: one })] }, trans)).toBe(
      'epsilon-greedy (ε = 0.1) · champion v1: 1 request, 1 reward, mean reward 1'
    );
    const t = { ...d, routing: { mode: 'thompson' as const, prior: { alpha: 1, beta: 1 } } };
    expect(trafficText(t, trans)).toMatch(/^Thompson sampling \(prior Beta\(1, 1\)\) · champion v1: 40 requests/);
  });

  it('the gate in words', () => {
    expect(gateText(null, trans)).toBe('No gate: any challenger can be promoted.');
    expect(gateText({ metric: 'accuracy', direction: 'maximize', margin: 0.01 }, trans)).toBe(
      "Promotion needs the challenger's accuracy higher than the champion's by at least 0.01."
    );
    expect(gateText({ metric: 'rmse', direction: 'minimize', margin: 0 }, trans)).toBe(
      "Promotion needs the challenger's rmse lower than the champion's."
    );
  });
});

describe('DeploymentModel actions', () => {
  const refused = {
    error: { code: 409, message: 'promotion refused: ...', field: 'gate' },
    gate: { metric: 'accuracy', direction: 'maximize' as const, margin: 0.01 },
    champion: { metric: 'accuracy', value: 0.9649122807017544 },
    challenger: { metric: 'accuracy', value: 0.6228070175438597 }
  };

  function actions() {
    return {
      predict: jest.fn(async () => ({ predictions: [0], version: 'v1', role: 'champion' as const, request_id: 'r-1', latency_ms: 3.2 })),
      setShare: jest.fn(),
      setRouting: jest.fn(),
      promote: jest.fn(async () => {
        throw new DeploymentError(409, refused.error.message, 'gate', refused);
      }),
      rollback: jest.fn(),
      remove: jest.fn(),
      predictUrl: (d: { url: string }) => `/kubeflow${d.url}/predict`
    };
  }

  it('a refused promotion shows both numbers from the 409 body', async () => {
    const { model: all } = setup();
    await all.load();
    const model = new DeploymentModel('iris', all, actions(), trans);
    await model.promote();
    expect(model.message).toEqual({
      kind: 'refused',
      text: "Promotion refused: the challenger's accuracy is 0.6228, the champion's is 0.9649 (higher is better, margin 0.01)."
    });
    expect(refusalText({ ...refused, challenger: { metric: 'accuracy', value: null } }, trans)).toBe(
      "Promotion refused: the challenger's accuracy is —, the champion's is 0.9649 (higher is better, margin 0.01)."
    );
    expect(model.busy).toBe(false);
  });

  it('try it: sends the instances, keeps the answer; bad JSON is named and nothing is sent', async () => {
    const { model: all } = setup();
    await all.load();
    const client = actions();
    const model = new DeploymentModel('iris', all, client, trans);
    expect(model.url).toBe('/kubeflow/api/deployments/iris/predict');
    all.adopt(deployment('iris', { updatedAt: T0 + 1, target: 'kubeflow', namespace: 'ada',
      kserve: { ...kserveStatus, ready: false, reason: 'Pending', url: 'http://iris.ada.example.com' } }));
    expect(model.url).toBe('http://iris.ada.example.com');
    expect(deploymentState(model.deployment!)).toBe('starting');
    all.adopt(deployment('iris', { updatedAt: T0 + 2 }));
    model.instances = '[[5.1, 3.5';
    await model.predict();
    expect(client.predict).not.toHaveBeenCalled();
    expect(model.predictError).toMatch(/^not JSON: /);
    model.instances = '{"instances": [[5.1, 3.5, 1.4, 0.2]]}';
    await model.predict();
    expect(client.predict).toHaveBeenCalledWith('iris', [[5.1, 3.5, 1.4, 0.2]]);
    expect(model.answer?.version).toBe('v1');
    expect(model.predictError).toBe('');
    // Opened again, the form starts from the instances last sent.
    expect(new DeploymentModel('iris', all, client, trans).instances).toBe('{"instances": [[5.1, 3.5, 1.4, 0.2]]}');
    expect(parseInstances('[]')).toEqual({ error: 'give a non-empty list of instances, e.g. [[5.1, 3.5, 1.4, 0.2]]' });
  });
});

describe('the Deploy dialog’s values', () => {
  const source = { run: 'r2', output: 'model' };

  it('a champion with a gate on the run’s metric; a taken name is refused', () => {
    const form = initialForm({ name: 'Iris tree', metrics: { loss: 0.3, accuracy: 0.9 }, deployments: ['iris'] });
    expect(form).toMatchObject({ name: 'iris-tree', role: 'champion', metric: 'accuracy', direction: 'maximize', existing: 'iris' });
    expect(requestOf({ ...form, margin: '0.02' }, source, ['iris'])).toEqual({
      request: { run: 'r2', output: 'model', name: 'iris-tree', role: 'champion', gate: { metric: 'accuracy', direction: 'maximize', margin: 0.02 } }
    });
    expect(requestOf({ ...form, name: 'iris' }, source, ['iris'])).toEqual({
      errors: { name: 'deployment iris exists: pick "challenger" to add this model to it, or another name' }
    });
    expect(requestOf({ ...form, metric: '', target: 'kubeflow' }, source, [])).toEqual({
      request: { run: 'r2', output: 'model', name: 'iris-tree', role: 'champion', target: 'kubeflow' }
    });
    expect(suggestName('2nd Wine_Classifier!')).toBe('nd-wine-classifier');
  });

  it('a challenger joins an existing deployment with its share', () => {
    const form = { ...initialForm({ name: 'x', metrics: {}, deployments: ['iris'] }), role: 'challenger' as const, share: '30' };
    expect(requestOf(form, source, ['iris'])).toEqual({
      request: { run: 'r2', output: 'model', name: 'iris', role: 'challenger', challengerPercent: 30 }
    });
    expect(requestOf({ ...form, share: '130' }, source, ['iris'])).toEqual({
      errors: { share: 'the share must be a number from 0 to 100, not "130"' }
    });
  });
});

describe('wire shapes', () => {
  it('tells servable model artifacts from other outputs', () => {
    expect(isServableArtifact({ format: 'joblib', pythonType: 'sklearn.tree._classes.DecisionTreeClassifier' })).toBe(true);
    expect(isServableArtifact({ format: 'pickle', pythonType: 'builtins.float' })).toBe(false);
    expect(isServableArtifact({ format: 'json' })).toBe(false);
  });
});
