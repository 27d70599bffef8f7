/**
 * The "Step settings" dialog: a form over one step annotation. The body
 * only renders the form; `annotationFromForm` converts and checks it.
 * Resolves to the form when accepted and valid, or null when cancelled.
 */
import * as React from 'react';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { annotationFromForm, IFormError, ISecretRow, IStepForm } from './form';

interface IFormProps {
  initial: IStepForm;
  steps: string[];
  problems: string[];
  trans: TranslationBundle;
  onChange: (form: IStepForm) => void;
}

function StepSettingsForm(props: IFormProps): React.ReactElement {
  const { trans } = props;
  const [form, setForm] = React.useState(props.initial);
  const update = (patch: Partial<IStepForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    props.onChange(next);
  };
  const result = annotationFromForm(form);
  const errors: IFormError[] = result.errors;
  const errorOf = (field: string) => errors.find(e => e.field === field || e.field.startsWith(`${field}.`));
  const text = (field: keyof IStepForm, label: string, placeholder = '') => (
    <label className="jp-KubeflowForm-field" key={field}>
      <span>{label}</span>
      <input
        className="jp-mod-styled"
        name={field}
        placeholder={placeholder}
        value={form[field] as string}
        onChange={e => update({ [field]: e.target.value })}
      />
      <span className="jp-KubeflowForm-error">{errorOf(field) ? trans.__(errorOf(field)!.message) : ''}</span>
    </label>
  );
  const setSecret = (i: number, patch: Partial<ISecretRow>) =>
    update({ secrets: form.secrets.map((row, j) => (i === j ? { ...row, ...patch } : row)) });
  return (
    <div className="jp-KubeflowForm-grid">
      {props.problems.length > 0 && (
        <ul className="jp-KubeflowForm-problems" data-testid="kubeflow-settings-problems">
          {props.problems.map((p, i) => <li key={i}>{p}</li>)}
        </ul>
      )}
      {text('name', trans.__('Step name'))}
      {text('image', trans.__('Image'), trans.__('the pipeline default'))}
      <div className="jp-KubeflowForm-pair">
        {text('cpuRequest', trans.__('CPU request'), '500m')}
        {text('cpuLimit', trans.__('CPU limit'), '2')}
        {text('memoryRequest', trans.__('Memory request'), '1Gi')}
        {text('memoryLimit', trans.__('Memory limit'), '4Gi')}
        {text('gpuCount', trans.__('GPUs'), '0')}
        {text('gpuType', trans.__('GPU type'), 'nvidia.com/gpu')}
        {text('retries', trans.__('Retries'), '0')}
        <label className="jp-KubeflowForm-check">
          <input type="checkbox" name="cache" checked={form.cache} onChange={e => update({ cache: e.target.checked })} />
          <span>{trans.__('Cache results')}</span>
        </label>
      </div>
      <fieldset className="jp-KubeflowForm-secrets">
        <legend>{trans.__('Secrets as environment variables')}</legend>
        {form.secrets.map((row, i) => (
          <div className="jp-KubeflowForm-row" key={i} data-testid="kubeflow-secret-row">
            {(['env', 'secret', 'key'] as const).map(part => (
              <input
                key={part}
                className="jp-mod-styled"
                name={`secrets.${i}.${part}`}
                placeholder={{ env: trans.__('VARIABLE'), secret: trans.__('secret'), key: trans.__('key') }[part]}
                value={row[part]}
                onChange={e => setSecret(i, { [part]: e.target.value })}
              />
            ))}
            <button
              type="button"
              className="jp-Button jp-mod-minimal"
              title={trans.__('Remove')}
              onClick={() => update({ secrets: form.secrets.filter((_, j) => j !== i) })}
            >
              ×
            </button>
            <span className="jp-KubeflowForm-error">
              {errorOf(`secrets[${i}]`) ? trans.__(errorOf(`secrets[${i}]`)!.message) : ''}
            </span>
          </div>
        ))}
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject"
          onClick={() => update({ secrets: [...form.secrets, { env: '', secret: '', key: '' }] })}
        >
          {trans.__('Add secret')}
        </button>
      </fieldset>
      <fieldset className="jp-KubeflowForm-after">
        <legend>{trans.__('Also run after')}</legend>
        {props.steps.length === 0 && <span className="jp-KubeflowForm-muted">{trans.__('No other steps')}</span>}
        {props.steps.map(step => (
          <label className="jp-KubeflowForm-check" key={step}>
            <input
              type="checkbox"
              name={`after.${step}`}
              checked={form.after.includes(step)}
              onChange={e =>
                update({ after: e.target.checked ? [...form.after, step] : form.after.filter(s => s !== step) })
              }
            />
            <span>{step}</span>
          </label>
        ))}
      </fieldset>
    </div>
  );
}

class SettingsBody extends ReactWidget implements Dialog.IBodyWidget<IStepForm> {
  constructor(private props: Omit<IFormProps, 'onChange'>) {
    super();
    this.form = props.initial;
    this.addClass('jp-KubeflowForm');
  }

  getValue(): IStepForm {
    return this.form;
  }

  protected render(): React.ReactElement {
    return <StepSettingsForm {...this.props} onChange={form => (this.form = form)} />;
  }

  private form: IStepForm;
}

/** Show the dialog; `problems` are messages to show on top (a refused write). */
export async function askStepSettings(
  initial: IStepForm,
  steps: string[],
  problems: string[],
  trans: TranslationBundle
): Promise<IStepForm | null> {
  let form = initial;
  for (;;) {
    const result = await showDialog({
      title: trans.__('Step Settings'),
      body: new SettingsBody({ initial: form, steps, problems, trans }),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Save') })],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    form = result.value;
    if (annotationFromForm(form).errors.length === 0) {
      return form;
    }
  }
}
