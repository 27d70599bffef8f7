/**
 * The Deploy dialog for one model output of a run: a name, where it is
 * served (this machine; Kubeflow once the bridge offers it), and whether it
 * becomes the champion of a new deployment (with the promotion gate: a
 * metric of the run, its direction and a margin) or a challenger of an
 * existing one (with its share of traffic).
 */
import * as React from 'react';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDeployRequest } from '../../service/deployments';
import { initialForm, IDeployFormState, requestOf } from './deploy-form';
import { showNumber } from './format';

export interface IDeploySource {
  run: string;
  output: string;
  /** The run's metrics (the gate's choices). */
  metrics: { [name: string]: number };
  /** A name to start from (the pipeline's). */
  suggestedName: string;
}

class DeployBody extends ReactWidget implements Dialog.IBodyWidget<IDeployFormState> {
  constructor(
    public state: IDeployFormState,
    private source: IDeploySource,
    private deployments: readonly string[],
    private kubeflow: boolean,
    private trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-KubeflowDeployForm');
  }

  getValue(): IDeployFormState {
    return this.state;
  }

  private set(change: Partial<IDeployFormState>): void {
    this.state = { ...this.state, ...change };
    this.update();
  }

  private error(field: string): React.ReactElement | null {
    const e = this.state.errors[field];
    return e ? <span className="jp-KubeflowDeployForm-error" data-error={field}>{e}</span> : null;
  }

  protected render(): React.ReactElement {
    const { trans, source } = this;
    const s = this.state;
    const metrics = Object.entries(source.metrics);
    return (
      <form className="jp-KubeflowDeployForm-form" onSubmit={e => e.preventDefault()}>
        <p className="jp-KubeflowDeployForm-hint">
          {trans.__('Output %1 of run %2', source.output, source.run)}
        </p>
        <fieldset className="jp-KubeflowDeployForm-role">
          <label>
            <input type="radio" name="role" value="champion" checked={s.role === 'champion'} onChange={() => this.set({ role: 'champion' })} />
            {trans.__('New deployment (champion)')}
          </label>
          <label>
            <input
              type="radio"
              name="role"
              value="challenger"
              disabled={!this.deployments.length}
              checked={s.role === 'challenger'}
              onChange={() => this.set({ role: 'challenger' })}
            />
            {trans.__('Challenger of an existing deployment')}
          </label>
        </fieldset>
        {s.role === 'champion' ? (
          <>
            <label className="jp-KubeflowDeployForm-field">
              {trans.__('Name')}
              <input type="text" className="jp-mod-styled" name="name" value={s.name} onChange={e => this.set({ name: e.currentTarget.value })} />
              {this.error('name')}
            </label>
            <label className="jp-KubeflowDeployForm-field">
              {trans.__('Serve on')}
              <select
                className="jp-mod-styled"
                name="target"
                value={s.target}
                onChange={e => this.set({ target: e.currentTarget.value as IDeployFormState['target'] })}
              >
                <option value="local">{trans.__('This machine (KServe model server)')}</option>
                <option value="kubeflow" disabled={!this.kubeflow} title={this.kubeflow ? '' : trans.__('The bridge does not run the kubeflow engine')}>
                  {trans.__('Kubeflow (KServe InferenceService)')}
                </option>
              </select>
            </label>
            <label className="jp-KubeflowDeployForm-field">
              {trans.__('Promotion gate')}
              <select className="jp-mod-styled" name="metric" value={s.metric} onChange={e => this.set({ metric: e.currentTarget.value })}>
                <option value="">{trans.__('No gate')}</option>
                {metrics.map(([m, v]) => (
                  <option key={m} value={m}>
                    {m} ({showNumber(v)})
                  </option>
                ))}
              </select>
            </label>
            {s.metric && (
              <div className="jp-KubeflowDeployForm-gate">
                <select
                  className="jp-mod-styled"
                  name="direction"
                  value={s.direction}
                  onChange={e => this.set({ direction: e.currentTarget.value as IDeployFormState['direction'] })}
                >
                  <option value="maximize">{trans.__('higher is better')}</option>
                  <option value="minimize">{trans.__('lower is better')}</option>
                </select>
                <label>
                  {trans.__('margin')}{' '}
                  <input type="text" className="jp-mod-styled" name="margin" value={s.margin} onChange={e => this.set({ margin: e.currentTarget.value })} />
                </label>
                {this.error('margin')}
              </div>
            )}
          </>
        ) : (
          <>
            <label className="jp-KubeflowDeployForm-field">
              {trans.__('Deployment')}
              <select className="jp-mod-styled" name="existing" value={s.existing} onChange={e => this.set({ existing: e.currentTarget.value })}>
                {this.deployments.map(n => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
              {this.error('existing')}
            </label>
            <label className="jp-KubeflowDeployForm-field">
              {trans.__('Share of traffic (%)')}
              <input type="text" className="jp-mod-styled" name="share" value={s.share} onChange={e => this.set({ share: e.currentTarget.value })} />
              {this.error('share')}
            </label>
          </>
        )}
      </form>
    );
  }
}

/** Ask how to deploy; null when cancelled. A bad value shows the dialog again with the error. */
export async function askDeploy(
  source: IDeploySource,
  deployments: readonly string[],
  kubeflow: boolean,
  trans: TranslationBundle
): Promise<IDeployRequest | null> {
  let state = initialForm({ name: source.suggestedName, metrics: source.metrics, deployments });
  for (;;) {
    const result = await showDialog({
      title: trans.__('Deploy %1', source.output),
      body: new DeployBody(state, source, deployments, kubeflow, trans),
      buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.okButton({ label: trans.__('Deploy') })],
      focusNodeSelector: 'input[name="name"]'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    state = result.value;
    const checked = requestOf(state, source, deployments);
    if ('request' in checked) {
      return checked.request;
    }
    state = { ...state, errors: checked.errors };
  }
}
