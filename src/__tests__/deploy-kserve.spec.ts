/**
 * A Kubeflow deployment in the Deploy view: the wire fields the bridge sends
 * (target, namespace, mode, kserve, versions' storageUri/modelFormat) read
 * as core/src/protocol.ts declares them, shown as Ready, traffic and the
 * plain-words explanation of a model that did not load.
 */
import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { DeploymentWire, KServeStatusWire } from '../../core/src/protocol';
import { explainModelStatus, summarizeStatus } from '../../core/src/serving';
import { KServeStatus, kserveTrafficText, readyText } from '../panels/deploy/kserve';
import { deploymentState } from '../panels/deploy/format';

const trans = nullTranslator.load('jupyterlab_kubeflow');

const failed = {
  conditions: [{ type: 'Ready', status: 'False', reason: 'RevisionMissing', message: 'Revision "iris-predictor-00002" failed' }],
  url: 'http://iris.alice.example.com',
  components: { predictor: { traffic: [
    { revisionName: 'iris-predictor-00002', percent: 20, tag: 'prev', latestRevision: true },
    { revisionName: 'iris-predictor-00001', percent: 80, latestRevision: false }
  ] } },
  modelStatus: { states: { activeModelState: 'FailedToLoad' }, lastFailureInfo: { reason: 'ModelLoadFailed', message: 'no model.joblib' } }
};

const kserve = (status: object, extra: Partial<KServeStatusWire> = {}): KServeStatusWire => ({ ...summarizeStatus(status), name: 'iris', challengerPercent: 20, graph: null, ...extra });

const wire = (k: KServeStatusWire): DeploymentWire => ({
  name: 'iris', user: 'alice', createdAt: 1, updatedAt: 2, routing: { mode: 'split', challengerPercent: 20 }, gate: null,
  versions: [{
    id: 'v1', role: 'champion', run: 'r1', task: 'train', output: 'model', format: 'joblib', modelType: null, metrics: {}, createdAt: 1,
    stats: { requests: 0, errors: 0, rewards: 0, rewardSum: 0 }, server: null, storageUri: 's3://bucket/r1/model', modelFormat: 'sklearn'
  }],
  url: '/api/deployments/iris', target: 'kubeflow', namespace: 'alice', mode: 'knative', kserve: k
});

describe('Kubeflow deployments in the Deploy view', () => {
  it('Ready, traffic and the explanation, in words', () => {
    const k = kserve(failed);
    expect(readyText(k, trans)).toBe('Not ready: RevisionMissing: Revision "iris-predictor-00002" failed · model FailedToLoad');
    expect(kserveTrafficText(k, trans)).toBe('revision iris-predictor-00002 20% (prev, latest) · revision iris-predictor-00001 80%');
    expect(deploymentState(wire(k))).toBe('starting');
    const ok = kserve({ conditions: [{ type: 'Ready', status: 'True' }], url: 'http://iris.alice.example.com' }, { challengerPercent: 0 });
    expect(readyText(ok, trans)).toBe('Ready');
    expect(kserveTrafficText(ok, trans)).toBe('not reported yet');
    expect(kserveTrafficText({ ...ok, canaries: [{ name: 'iris-canary', ready: false, trafficPercent: 10 }], graph: { name: 'iris-graph', weights: [70, 30] } }, trans))
      .toBe('canary iris-canary 10% (not ready) · InferenceGraph iris-graph weights 70/30');
    expect(kserveTrafficText({ ...ok, challengerPercent: 10 }, trans)).toBe('canary 10% asked, not reported yet');
  });

  it('renders the status block with the plain-words failure', () => {
    const d = wire(kserve(failed));
    const html = renderToStaticMarkup(React.createElement(KServeStatus, { d, trans }));
    expect(html).toContain('data-testid="kserve" data-ready="false" data-mode="knative"');
    expect(html).toContain('InferenceService iris: Not ready: RevisionMissing: Revision &quot;iris-predictor-00002&quot; failed · model FailedToLoad');
    expect(html).toContain('KServe traffic: revision iris-predictor-00002 20% (prev, latest) · revision iris-predictor-00001 80%');
    expect(html).toContain(`<p class="jp-KubeflowDeploy-error" data-testid="kserve-status" role="alert">${explainModelStatus(failed)!}</p>`);
    expect(renderToStaticMarkup(React.createElement(KServeStatus, { d: { ...d, kserve: undefined }, trans }))).toBe('');
  });
});
