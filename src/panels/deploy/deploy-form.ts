/**
 * The Deploy dialog's values and their checks: the dialog closes only with
 * a request the bridge will take; a bad value is named under its field.
 */
import type { GateWire } from '../../../core/src/protocol';
import type { IDeployRequest } from '../../service/deployments';

export interface IDeployFormState {
  name: string;
  target: 'local' | 'kubeflow';
  role: 'champion' | 'challenger';
  /** The deployment a challenger joins. */
  existing: string;
  /** The challenger's share, in percent (text as typed). */
  share: string;
  /** '' for no gate. */
  metric: string;
  direction: GateWire['direction'];
  margin: string;
  errors: { [field: string]: string };
}

/** The bridge's rule for names (a DNS-1123 label, as KServe needs). */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A valid deployment name from any text: `Wine classifier` -> `wine-classifier`. */
export function suggestName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'model';
}

export function initialForm(options: {
  name: string;
  metrics: { [name: string]: number };
  deployments: readonly string[];
}): IDeployFormState {
  const metrics = Object.keys(options.metrics);
  const preferred = metrics.find(m => /acc|f1|auc|score|precision|recall/i.test(m)) ?? metrics[0] ?? '';
  return {
    name: suggestName(options.name),
    target: 'local',
    role: 'champion',
    existing: options.deployments[0] ?? '',
    share: '10',
    metric: preferred,
    direction: /loss|err|mse|mae|rmse/i.test(preferred) ? 'minimize' : 'maximize',
    margin: '0',
    errors: {}
  };
}

/** The request, or the errors by field. */
export function requestOf(
  form: IDeployFormState,
  source: { run: string; output: string },
  deployments: readonly string[]
): { request: IDeployRequest } | { errors: { [field: string]: string } } {
  const errors: { [field: string]: string } = {};
  const base = { run: source.run, output: source.output };
  if (form.role === 'challenger') {
    if (!deployments.includes(form.existing)) {
      errors.existing = deployments.length
        ? `pick the deployment the challenger joins`
        : 'there is no deployment yet: deploy a champion first';
    }
    const share = Number(form.share);
    if (form.share.trim() === '' || !Number.isFinite(share) || share < 0 || share > 100) {
      errors.share = `the share must be a number from 0 to 100, not "${form.share}"`;
    }
    return Object.keys(errors).length
      ? { errors }
      : { request: { ...base, name: form.existing, role: 'challenger', challengerPercent: share } };
  }
  const name = form.name.trim();
  if (!NAME_PATTERN.test(name)) {
    errors.name = `"${name}" is not a valid name: lower-case letters, digits and '-', starting with a letter (at most 63)`;
  } else if (deployments.includes(name)) {
    errors.name = `deployment ${name} exists: pick "challenger" to add this model to it, or another name`;
  }
  let gate: GateWire | undefined;
  if (form.metric) {
    const margin = Number(form.margin);
    if (form.margin.trim() === '' || !Number.isFinite(margin) || margin < 0) {
      errors.margin = `the margin must be a number >= 0, not "${form.margin}"`;
    }
    gate = { metric: form.metric, direction: form.direction, margin };
  }
  if (Object.keys(errors).length) {
    return { errors };
  }
  return {
    request: {
      ...base,
      name,
      role: 'champion',
      ...(gate ? { gate } : {}),
      ...(form.target === 'kubeflow' ? { target: 'kubeflow' as const } : {})
    }
  };
}
