/**
 * One deployment in the main area: state, predict URL (Kubeflow: the
 * InferenceService's Ready, URL, traffic and failure in plain words), gate, traffic,
 * versions with their runs' metrics, challenger actions, the outcome of the
 * last action (a refused promotion with both numbers), "try it", delete.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { DeploymentModel } from './deployment-model';
import { deploymentState, gateText, trafficText } from './format';
import { KServeStatus } from './kserve';
import { TrafficControls } from './traffic';
import { TryIt } from './try-it';
import { VersionsTable } from './versions';

export interface IDeploymentViewOptions {
  trans: TranslationBundle;
  /** Ask before deleting; resolves true to go ahead. */
  confirmDelete: (name: string) => Promise<boolean>;
}

export class DeploymentView extends VDomRenderer<DeploymentModel> {
  constructor(
    model: DeploymentModel,
    private options: IDeploymentViewOptions
  ) {
    super(model);
    this.addClass('jp-KubeflowDeploy');
  }

  protected render(): React.ReactElement {
    const { trans } = this.options;
    const model = this.model;
    const d = model.deployment;
    if (!d) {
      return (
        <div className="jp-KubeflowDeploy-body" data-deployment={model.name} data-state="deleted">
          <h2 className="jp-KubeflowDeploy-title">{model.name}</h2>
          <p className="jp-KubeflowDeploy-empty">{trans.__('This deployment does not exist (any more).')}</p>
        </div>
      );
    }
    const state = deploymentState(d);
    const message = model.message;
    return (
      <div className="jp-KubeflowDeploy-body" data-deployment={d.name} data-state={state}>
        <h2 className="jp-KubeflowDeploy-title">
          {d.name} <span className={`jp-KubeflowDeploy-state jp-mod-${state}`}>{state}</span>
        </h2>
        <p className="jp-KubeflowDeploy-meta" data-target={d.target ?? 'local'}>
          {d.target === 'kubeflow'
            ? trans.__('Kubeflow (KServe InferenceService) in namespace %1', d.namespace ?? '?') + (d.mode ? ` · ${trans.__('%1 mode', d.mode)}` : '')
            : trans.__('This machine (KServe model server, reached through Jupyter)')}
        </p>
        <p className="jp-KubeflowDeploy-meta">
          {trans.__('Predict URL')}: <code data-testid="predict-url">{model.url || trans.__('(not known yet)')}</code>
        </p>
        <KServeStatus d={d} trans={trans} />
        <p className="jp-KubeflowDeploy-meta" data-testid="traffic">
          {trans.__('Traffic')}: {trafficText(d, trans)}
        </p>
        <p className="jp-KubeflowDeploy-meta" data-testid="gate">
          {gateText(d.gate, trans)}
        </p>
        {message && (
          <p
            className={`jp-KubeflowDeploy-message jp-mod-${message.kind}`}
            data-message={message.kind}
            role={message.kind === 'info' ? 'status' : 'alert'}
          >
            {message.text}
          </p>
        )}
        <h3 className="jp-KubeflowDeploy-heading">{trans.__('Versions')}</h3>
        <VersionsTable d={d} trans={trans} />
        <h3 className="jp-KubeflowDeploy-heading">{trans.__('Traffic and promotion')}</h3>
        <TrafficControls
          d={d}
          busy={model.busy}
          trans={trans}
          actions={{
            setShare: p => void model.setShare(p),
            setRouting: r => void model.setRouting(r),
            promote: () => void model.promote(),
            rollback: () => void model.rollback()
          }}
        />
        <h3 className="jp-KubeflowDeploy-heading">{trans.__('Try it')}</h3>
        <TryIt model={model} trans={trans} />
        <h3 className="jp-KubeflowDeploy-heading">{trans.__('Delete')}</h3>
        <button
          className="jp-Button jp-mod-styled jp-mod-warn"
          data-action="delete"
          disabled={model.busy}
          onClick={async () => {
            if (await this.options.confirmDelete(d.name)) {
              await model.remove();
            }
          }}
        >
          {trans.__('Delete deployment')}
        </button>
      </div>
    );
  }
}
