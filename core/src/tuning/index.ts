/** Tuning studies: the spec, its checks, search spaces and the Katib Experiment (pure, shared with the browser). */
export * from './spec';
export { readStudySpec, validateStudy, checkSpace, errorsOf } from './validate';
export { gridSize, gridValues } from './grid';
export { defaultSpace, parseSpaceArg, SpaceSyntaxError, trialValue } from './space';
export { katibExperiment, PRIMARY_CONTAINER } from './katib';
export type { KatibOptions } from './katib';
export { katibPrechecks, experimentName, METRICS_COLLECTOR_LABEL } from './prechecks';
export { trialSteps, TRIAL_ROOT, TRIAL_RUNNER, TrialPlanError } from './trial-plan';
export type * from './wire';
export { FINISHED_STUDY_STATES } from './wire';
