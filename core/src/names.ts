/**
 * Step names as users write them (`load_data`, `Train-2`) and as KFP needs
 * them (task names: lowercase DNS-1123 labels). One function maps the one to
 * the other, so the analysis (which reports clashes) and the compiler (which
 * emits task, component and executor names) can never disagree.
 */

/** Letters, digits, '-' and '_', starting with a letter. */
export const STEP_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Longest step name: a Kubernetes label is at most 63 characters and the
 * executor label adds "exec-"; keep a margin for the KFP backend's suffixes.
 */
export const STEP_NAME_MAX_LENGTH = 50;

/** The synthetic last step that runs the metrics cell. */
export const METRICS_STEP_NAME = 'pipeline-metrics';

/**
 * The KFP task name of a step: lowercase, '_' becomes '-', runs of '-'
 * collapse, no leading or trailing '-'. `load_data` -> `load-data`.
 */
export function taskName(step: string): string {
  return step
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The component name the IR uses for a step's task. */
export function componentName(step: string): string {
  return `comp-${taskName(step)}`;
}

/** The executor label the IR uses for a step's component. */
export function executorName(step: string): string {
  return `exec-${taskName(step)}`;
}

/** A pipeline name as KFP wants it (same rules as a task name). */
export function pipelineName(name: string): string {
  return taskName(name) || 'pipeline';
}
