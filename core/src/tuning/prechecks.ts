/**
 * What Katib would refuse, explained before the Experiment is created: the
 * namespace label its metrics-collector webhook needs, the Experiment's
 * name, and the space and budget (checkSpace). Also what would make trials
 * misbehave although Katib accepts them (steps wanting other images).
 */
import type { StudyProblem, StudySpec } from './spec';
import { checkSpace } from './validate';

export const METRICS_COLLECTOR_LABEL = 'katib.kubeflow.org/metrics-collector-injection';

/** DNS-1035 label: Katib's webhook requires it of Experiment names. */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export interface PrecheckOptions {
  /** The Experiment's name. */
  name?: string;
  namespace?: string;
  /** Images of the pipeline's steps (a trial pod has one). */
  stepImages?: Array<string | null>;
  image?: string;
}

export function katibPrechecks(
  namespaceLabels: { [key: string]: string } | null,
  spec: StudySpec,
  options: PrecheckOptions = {}
): StudyProblem[] {
  const problems: StudyProblem[] = [];
  const ns = options.namespace ?? 'the namespace';
  if (namespaceLabels === null) {
    // A user's service account usually may not read its Namespace object.
    problems.push({
      severity: 'warning',
      field: 'namespace',
      message: `the labels of ${ns} could not be read: Katib refuses the Experiment unless it has ${METRICS_COLLECTOR_LABEL}=enabled`
    });
  } else if (namespaceLabels[METRICS_COLLECTOR_LABEL] !== 'enabled') {
    problems.push({
      severity: 'error',
      field: 'namespace',
      message:
        `${ns} lacks the label ${METRICS_COLLECTOR_LABEL}=enabled: Katib's webhook would refuse the Experiment ` +
        `(an admin runs: kubectl label namespace ${options.namespace ?? 'NAMESPACE'} ${METRICS_COLLECTOR_LABEL}=enabled)`
    });
  }
  if (options.name !== undefined && !(options.name.length <= 63 && DNS_1035.test(options.name))) {
    problems.push({
      severity: 'error',
      field: 'name',
      message: `experiment name ${JSON.stringify(options.name)} must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, at most 63 characters`
    });
  }
  problems.push(...checkSpace(spec));
  const others = [...new Set((options.stepImages ?? []).filter((i): i is string => !!i && i !== options.image))];
  if (options.image && others.length) {
    problems.push({
      severity: 'warning',
      field: 'image',
      message: `a trial runs every step in one pod with ${options.image}; steps that set ${others.join(', ')} run with it too`
    });
  }
  return problems;
}

/** A Katib-safe name from a notebook's pipeline name: `study-` prefix when needed, at most 40 characters. */
export function experimentName(base: string, suffix: string): string {
  let name = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) {
    name = `study-${name}`;
  }
  return `${name.slice(0, 40 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}
