/**
 * The Kubeflow line of the status header: the namespace and service account
 * the bridge acts as for this user (and the KFP endpoint, read-only), or
 * "local only" with the reason.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IIdentityState } from '../../service/identity';

export function IdentityFacts(props: { identity: IIdentityState; trans: TranslationBundle }): React.ReactElement {
  const { identity, trans } = props;
  const ready = identity.status === 'ready';
  return (
    <>
      <dt>{trans.__('Kubeflow')}</dt>
      <dd data-testid="kubeflow-identity" data-identity={identity.status} title={identity.reason ?? undefined}>
        {identity.status === 'loading' || identity.status === 'unknown' ? (
          '…'
        ) : ready ? (
          <span className="jp-KubeflowStatus-identity" title={trans.__('Namespace and service account the bridge acts as (%1 mode)', identity.mode ?? '')}>
            <span data-testid="kubeflow-namespace">{identity.namespace}</span>
            {' · '}
            <span data-testid="kubeflow-service-account">{identity.serviceAccount}</span>
          </span>
        ) : (
          <span>{identity.status === 'refused' ? trans.__('refused') : trans.__('local only')}</span>
        )}
        {identity.reason && (
          <div className="jp-KubeflowStatus-reason" data-testid="kubeflow-identity-reason">
            {ready ? trans.__('local only: %1', identity.reason) : identity.reason}
          </div>
        )}
      </dd>
      {identity.kfpEndpoint && (
        <>
          <dt>{trans.__('KFP')}</dt>
          <dd data-testid="kubeflow-kfp-endpoint" title={trans.__('Set on the Jupyter server (KubeflowExtension.kfp_endpoint)')}>
            {identity.kfpEndpoint}
          </dd>
        </>
      )}
    </>
  );
}
