/**
 * The Run dialog: one field per pipeline parameter, prefilled from the
 * parameters cell, "use cache", and where to run (this machine or
 * Kubeflow, with the experiment and the namespace and service account of
 * the run). The dialog only closes with values that convert; a bad one is
 * named under its field.
 */
import * as React from 'react';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { PipelineParameter } from '../../../core/src/types';
import type { Target } from '../../pipeline/target';
import { TargetSelect } from '../pipeline/target';
import { convertForm, FieldValue, initialValue } from './params';

export interface IRunRequestValues {
  parameters: { [name: string]: unknown };
  cache: boolean;
  target: Target;
}

/** Where the run may go, for the dialog's target selector. */
export interface IRunTargetChoice {
  target: Target;
  available: boolean;
  /** Why Kubeflow is unavailable. */
  reason: string | null;
  /** The experiment a Kubeflow run goes to (undefined: the pipeline name). */
  experiment?: string;
  /** `namespace · service account` of a Kubeflow run. */
  identity?: string;
}

interface IFormState {
  inputs: { [name: string]: FieldValue };
  cache: boolean;
  target: Target;
  /** Show errors (after a refused submit, or as soon as a field is edited). */
  errors: { [name: string]: string };
}

class ParamsBody extends ReactWidget implements Dialog.IBodyWidget<IFormState> {
  constructor(
    private params: readonly PipelineParameter[],
    public state: IFormState,
    private trans: TranslationBundle,
    private choice: IRunTargetChoice
  ) {
    super();
    this.addClass('jp-KubeflowRunForm');
  }

  getValue(): IFormState {
    return this.state;
  }

  private set(name: string, value: FieldValue): void {
    const inputs = { ...this.state.inputs, [name]: value };
    const { errors } = convertForm(this.params, inputs);
    this.state = { ...this.state, inputs, errors };
    this.update();
  }

  protected render(): React.ReactElement {
    const { inputs, cache, errors, target } = this.state;
    const choice = this.choice;
    return (
      <form className="jp-KubeflowRunForm-form" onSubmit={event => event.preventDefault()}>
        {this.params.length === 0 && (
          <p className="jp-KubeflowRunForm-hint">{this.trans.__('This pipeline has no parameters.')}</p>
        )}
        {this.params.map(p => (
          <label key={p.name} className="jp-KubeflowRunForm-field" data-param={p.name}>
            <span className="jp-KubeflowRunForm-label">
              {p.name} <span className="jp-KubeflowRunForm-type">{p.type}</span>
            </span>
            {p.type === 'bool' ? (
              <input
                type="checkbox"
                name={p.name}
                checked={inputs[p.name] === true}
                onChange={event => this.set(p.name, event.currentTarget.checked)}
              />
            ) : (
              <input
                type="text"
                className="jp-mod-styled"
                name={p.name}
                value={String(inputs[p.name] ?? '')}
                aria-invalid={errors[p.name] ? true : undefined}
                onChange={event => this.set(p.name, event.currentTarget.value)}
              />
            )}
            {errors[p.name] && <span className="jp-KubeflowRunForm-error">{errors[p.name]}</span>}
          </label>
        ))}
        <label className="jp-KubeflowRunForm-cache">
          <input
            type="checkbox"
            name="cache"
            checked={cache}
            onChange={event => {
              this.state = { ...this.state, cache: event.currentTarget.checked };
              this.update();
            }}
          />
          {this.trans.__('Use cache (skip steps whose code and inputs did not change)')}
        </label>
        <label className="jp-KubeflowRunForm-field jp-KubeflowRunForm-target">
          <span className="jp-KubeflowRunForm-label">{this.trans.__('Run on')}</span>
          <TargetSelect
            value={target}
            available={choice.available}
            reason={choice.reason}
            onChange={next => {
              this.state = { ...this.state, target: next };
              this.update();
            }}
            trans={this.trans}
          />
        </label>
        <p className="jp-KubeflowRunForm-hint" data-target-hint={target}>
          {target === 'kubeflow'
            ? this.trans.__(
                'Runs on Kubeflow Pipelines in experiment “%1” as %2, with each step’s image.',
                choice.experiment ?? this.trans.__('(the pipeline name)'),
                choice.identity ?? ''
              )
            : this.trans.__('Runs on this machine with the notebook’s Python; step images are ignored locally.')}
        </p>
        {!choice.available && (
          <p className="jp-KubeflowRunForm-hint" data-testid="kubeflow-unavailable">
            {this.trans.__('Kubeflow is unavailable: %1', choice.reason ?? '')}
          </p>
        )}
      </form>
    );
  }
}

/**
 * Ask for the run's parameters; null when cancelled. A submit with a bad
 * value shows the dialog again, the values kept and the errors named.
 */
export async function askRunParameters(
  title: string,
  params: readonly PipelineParameter[],
  trans: TranslationBundle,
  choice: IRunTargetChoice = { target: 'local', available: false, reason: null }
): Promise<IRunRequestValues | null> {
  let state: IFormState = {
    inputs: Object.fromEntries(params.map(p => [p.name, initialValue(p)])),
    cache: true,
    target: choice.target,
    errors: {}
  };
  for (;;) {
    const result = await showDialog({
      title,
      body: new ParamsBody(params, state, trans, choice),
      buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.okButton({ label: trans.__('Run') })],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    state = result.value;
    const { values, errors } = convertForm(params, state.inputs);
    if (!Object.keys(errors).length) {
      return { parameters: values, cache: state.cache, target: state.target };
    }
    state = { ...state, errors };
  }
}
