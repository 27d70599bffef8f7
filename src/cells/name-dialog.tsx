/**
 * Ask for a step name, checked as the user types (letters, digits, '-' and
 * '_'). Resolves to the name, or null when cancelled.
 */
import * as React from 'react';
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { stepNameError } from './form';

function NameField(props: {
  initial: string;
  trans: TranslationBundle;
  onChange: (value: string) => void;
}): React.ReactElement {
  const [value, setValue] = React.useState(props.initial);
  const error = stepNameError(value.trim());
  return (
    <label className="jp-KubeflowForm-field">
      <span>{props.trans.__('Step name')}</span>
      <input
        className="jp-mod-styled"
        data-testid="kubeflow-step-name"
        value={value}
        aria-invalid={error !== null}
        onChange={event => {
          setValue(event.target.value);
          props.onChange(event.target.value);
        }}
      />
      <span className="jp-KubeflowForm-error" data-testid="kubeflow-step-name-error">
        {error ? props.trans.__(error) : ''}
      </span>
    </label>
  );
}

class NameBody extends ReactWidget implements Dialog.IBodyWidget<string> {
  constructor(
    private value: string,
    private trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-KubeflowForm');
  }

  getValue(): string {
    return this.value.trim();
  }

  protected render(): React.ReactElement {
    return <NameField initial={this.value} trans={this.trans} onChange={v => (this.value = v)} />;
  }
}

export async function askStepName(initial: string, trans: TranslationBundle): Promise<string | null> {
  let value = initial;
  for (;;) {
    const result = await showDialog({
      title: trans.__('Start a Step Here'),
      body: new NameBody(value, trans),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Start Step') })],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    value = result.value;
    if (stepNameError(value) === null) {
      return value;
    }
    // Invalid: ask again, keeping what was typed (the error shows at once).
  }
}
