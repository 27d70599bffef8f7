/**
 * The Deployments section of the Kubeflow panel: every deployment with its
 * state, its live versions and their traffic; a click opens it in the main
 * area.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomModel, VDomRenderer } from '@jupyterlab/ui-components';
import { champion, challenger, deploymentState, trafficText } from './format';
import type { DeploymentsModel } from './model';

/** Below the Runs section (300). */
export const DEPLOY_SECTION_RANK = 400;

/** The section's view of the DeploymentsModel. */
export class SectionModel extends VDomModel {
  constructor(readonly deployments: DeploymentsModel) {
    super();
    deployments.changed.connect(this.onChanged, this);
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.deployments.changed.disconnect(this.onChanged, this);
    }
    super.dispose();
  }

  private onChanged(): void {
    this.stateChanged.emit();
  }
}

export class DeploymentsSection extends VDomRenderer<SectionModel> {
  constructor(
    model: SectionModel,
    private open: (name: string) => void,
    private trans: TranslationBundle
  ) {
    super(model);
    this.addClass('jp-KubeflowDeployments');
  }

  protected render(): React.ReactElement {
    const trans = this.trans;
    const all = this.model.deployments;
    const list = all.deployments;
    return (
      <div className="jp-KubeflowDeployments-body">
        {all.error && <p className="jp-KubeflowDeploy-error">{all.error}</p>}
        {!list.length && (
          <p className="jp-KubeflowDeployments-empty">
            {all.loaded
              ? trans.__('No deployments yet. Deploy a model from a run’s outputs (open a task of a run that saved a model).')
              : trans.__('Loading deployments…')}
          </p>
        )}
        <ul className="jp-KubeflowDeployments-list">
          {list.map(d => {
            const state = deploymentState(d);
            const a = champion(d);
            const b = challenger(d);
            return (
              <li
                key={d.name}
                data-deployment={d.name}
                data-state={state}
                tabIndex={0}
                title={trans.__('Open deployment %1', d.name)}
                onClick={() => this.open(d.name)}
                onKeyDown={e => e.key === 'Enter' && this.open(d.name)}
              >
                <div className="jp-KubeflowDeployments-row">
                  <span className="jp-KubeflowDeployments-name">{d.name}</span>
                  <span className={`jp-KubeflowDeploy-state jp-mod-${state}`}>{state}</span>
                </div>
                <div className="jp-KubeflowDeploy-kind">
                  {a && trans.__('champion %1 (run %2)', a.id, a.run)}
                  {b && ` · ${trans.__('challenger %1 (run %2)', b.id, b.run)}`}
                </div>
                <div className="jp-KubeflowDeploy-kind" data-testid="traffic">
                  {trafficText(d, trans)}
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    );
  }
}
