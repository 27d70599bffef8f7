/**
 * The notebook-wide settings form. Each field keeps what the user types
 * until blur or Enter (a user action), then asks the model to write it;
 * a refused value stays in the field with the model's error below it.
 * Escape puts back the stored value. Remote changes show when the field
 * is not being edited.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { DEFAULT_IMAGE } from '../../../core/src/compile';
import type { PipelineSettings } from '../../../core/src/types';
import type { SettingField } from './model';

export interface ISettingsProps {
  settings: PipelineSettings;
  /** The pipeline name used when the settings set none. */
  defaultName: string;
  errors: Partial<Record<SettingField, string>>;
  onCommit: (field: SettingField, value: string) => boolean;
  trans: TranslationBundle;
}

interface IFieldProps {
  field: SettingField;
  label: string;
  stored: string;
  placeholder: string;
  error?: string;
  onCommit: (field: SettingField, value: string) => boolean;
}

function SettingInput(props: IFieldProps): React.ReactElement {
  const { field, stored, error, onCommit } = props;
  const [draft, setDraft] = React.useState(stored);
  const editing = React.useRef(false);
  React.useEffect(() => {
    if (!editing.current) {
      setDraft(stored);
    }
  }, [stored]);
  const commit = () => {
    editing.current = false;
    if (draft.trim() !== stored) {
      onCommit(field, draft);
    }
  };
  const id = `jp-KubeflowSettings-${field}`;
  return (
    <div className="jp-KubeflowSettings-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        className={`jp-mod-styled jp-KubeflowSettings-input${error ? ' jp-mod-error' : ''}`}
        data-setting={field}
        value={draft}
        placeholder={props.placeholder}
        aria-invalid={error ? true : undefined}
        onChange={event => {
          editing.current = true;
          setDraft(event.target.value);
        }}
        onBlur={commit}
        onKeyDown={event => {
          if (event.key === 'Enter') {
            commit();
          } else if (event.key === 'Escape') {
            editing.current = false;
            setDraft(stored);
            onCommit(field, stored);
          }
        }}
      />
      {error && (
        <div className="jp-KubeflowSettings-error" role="alert" data-setting-error={field}>
          {error}
        </div>
      )}
    </div>
  );
}

export function SettingsForm(props: ISettingsProps): React.ReactElement {
  const { settings, errors, onCommit, trans } = props;
  const fields: Array<[SettingField, string, string]> = [
    ['name', trans.__('Pipeline name'), props.defaultName],
    ['description', trans.__('Description'), trans.__('(none)')],
    ['experiment', trans.__('Experiment'), trans.__('(default)')],
    ['image', trans.__('Default image'), DEFAULT_IMAGE]
  ];
  return (
    <div className="jp-KubeflowSettings">
      {fields.map(([field, label, placeholder]) => (
        <SettingInput
          key={field}
          field={field}
          label={label}
          stored={settings[field] ?? ''}
          placeholder={placeholder}
          error={errors[field]}
          onCommit={onCommit}
        />
      ))}
    </div>
  );
}
