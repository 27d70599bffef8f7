/**
 * A Kubeflow deployment's InferenceService in words (its URL is the view's
 * predict URL): Ready (with KServe's reason when not), who gets the traffic
 * (Knative revisions, Standard-mode canaries, the canary percent, the
 * InferenceGraph's weights) and, when the model did not load, why, in
 * plain words (modelStatus.lastFailureInfo explained by the bridge).
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { DeploymentWire, KServeStatusWire } from '../../../core/src/protocol';

export function readyText(k: KServeStatusWire, trans: TranslationBundle): string {
  const model = k.modelState ? ` · ${trans.__('model %1', k.modelState)}` : '';
  return (k.ready ? trans.__('Ready') : k.reason ? trans.__('Not ready: %1', k.reason) : trans.__('Not ready yet')) + model;
}

/** `revision iris-predictor-00002 90% (latest) · revision iris-predictor-00001 10% (prev)`, canaries, or the graph's weights. */
export function kserveTrafficText(k: KServeStatusWire, trans: TranslationBundle): string {
  const parts: string[] = [];
  for (const t of k.traffic) {
    const tags = [t.tag, t.latestRevision ? trans.__('latest') : ''].filter(Boolean).join(', ');
    parts.push(`${trans.__('revision %1', t.revisionName ?? '?')} ${t.percent ?? 0}%${tags ? ` (${tags})` : ''}`);
  }
  for (const c of k.canaries) {
    parts.push(`${trans.__('canary %1', c.name)} ${c.trafficPercent}% (${c.ready ? trans.__('ready') : trans.__('not ready')})`);
  }
  if (k.graph) {
    parts.push(trans.__('InferenceGraph %1 weights %2', k.graph.name, k.graph.weights.join('/')));
  }
  if (!parts.length) {
    return k.challengerPercent > 0 ? trans.__('canary %1% asked, not reported yet', k.challengerPercent) : trans.__('not reported yet');
  }
  return parts.join(' · ');
}

export function KServeStatus(props: { d: DeploymentWire; trans: TranslationBundle }): React.ReactElement | null {
  const { d, trans } = props;
  const k = d.kserve;
  if (!k) {
    return null;
  }
  return (
    <div className="jp-KubeflowDeploy-kserve" data-testid="kserve" data-ready={String(k.ready)} data-mode={d.mode ?? ''}>
      <p className="jp-KubeflowDeploy-meta" data-testid="kserve-ready">
        {trans.__('InferenceService %1', k.name)}: {readyText(k, trans)}
      </p>
      <p className="jp-KubeflowDeploy-meta" data-testid="kserve-traffic">
        {trans.__('KServe traffic')}: {kserveTrafficText(k, trans)}
      </p>
      {k.explanation && (
        <p className="jp-KubeflowDeploy-error" data-testid="kserve-status" role="alert">
          {k.explanation}
        </p>
      )}
    </div>
  );
}
