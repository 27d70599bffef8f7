/**
 * The bridge's status, as the connection model holds it: connected or not,
 * the user the bridge sees, its engines and version, who the user is on
 * Kubeflow (status/identity.tsx); while it is down, that
 * it is reconnecting and when the next try is.
 */
import * as React from 'react';
import { VDomRenderer } from '@jupyterlab/ui-components';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { BridgeConnection, IConnectionState } from '../../service/connection';
import { IdentityFacts } from './identity';
import { StatusModel } from './model';

export class StatusBody extends VDomRenderer<StatusModel> {
  constructor(
    model: StatusModel,
    private connection: BridgeConnection,
    private trans: TranslationBundle
  ) {
    super(model);
    this.addClass('jp-KubeflowStatus');
  }

  protected render(): React.ReactElement {
    const state = this.model.state;
    return (
      <div className="jp-KubeflowStatus-body" data-status={state.status}>
        <div className="jp-KubeflowStatus-line">
          <span className={`jp-KubeflowStatus-dot jp-mod-${state.status}`} aria-hidden="true" />
          <span className="jp-KubeflowStatus-label" data-testid="kubeflow-status">
            {this.label(state)}
          </span>
        </div>
        {state.status !== 'connected' && state.message && (
          <div className="jp-KubeflowStatus-message">{state.message}</div>
        )}
        {state.status !== 'connected' && state.retryAt !== null && (
          <button
            className="jp-Button jp-mod-styled jp-mod-reject jp-KubeflowStatus-retry"
            onClick={() => this.connection.retryNow()}
          >
            {this.trans.__('Retry now')}
          </button>
        )}
        {state.facts && (
          <dl className="jp-KubeflowStatus-facts">
            <dt>{this.trans.__('User')}</dt>
            <dd data-testid="kubeflow-user">{state.facts.user}</dd>
            <dt>{this.trans.__('Engines')}</dt>
            <dd data-testid="kubeflow-engines">{state.facts.engines.join(', ')}</dd>
            <dt>{this.trans.__('Bridge')}</dt>
            <dd data-testid="kubeflow-version">{state.facts.version}</dd>
            {this.model.identity && <IdentityFacts identity={this.model.identity} trans={this.trans} />}
          </dl>
        )}
      </div>
    );
  }

  private label(state: IConnectionState): string {
    switch (state.status) {
      case 'connected':
        return this.trans.__('Connected');
      case 'connecting':
        return this.trans.__('Connecting to the bridge…');
      case 'reconnecting':
        return this.trans.__('Bridge unavailable, reconnecting…');
      case 'error':
        return this.trans.__('Cannot reach the bridge');
    }
  }
}
