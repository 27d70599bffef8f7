/**
 * The run target selector (this machine / Kubeflow), beside Run in the
 * Pipeline section and in the Run dialog. Kubeflow is disabled, with the
 * reason as its tooltip, when the bridge does not offer it.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { Target } from '../../pipeline/target';

export interface ITargetSelectProps {
  value: Target;
  available: boolean;
  reason: string | null;
  onChange: (target: Target) => void;
  trans: TranslationBundle;
}

export function TargetSelect(props: ITargetSelectProps): React.ReactElement {
  const { value, available, reason, trans } = props;
  const why = available ? null : trans.__('Kubeflow is unavailable: %1', reason ?? '');
  return (
    <select
      className="jp-mod-styled jp-KubeflowTarget"
      name="target"
      data-target-select=""
      aria-label={trans.__('Run target')}
      title={why ?? trans.__('Where Run sends the pipeline')}
      value={value}
      onChange={event => props.onChange(event.currentTarget.value as Target)}
    >
      <option value="local">{trans.__('This machine')}</option>
      <option value="kubeflow" disabled={!available} title={why ?? undefined}>
        {trans.__('Kubeflow')}
      </option>
    </select>
  );
}
