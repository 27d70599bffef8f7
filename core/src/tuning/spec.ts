/**
 * A tuning study, as the notebook stores it (notebook metadata
 * `kubeflow.tuning`) and as the bridge runs it: the search space (one entry
 * per tuned pipeline parameter), the objective (a metric of the metrics
 * cell), the algorithm and the budget. Names follow Katib's Experiment so a
 * spec maps onto one field by field; numbers stay numbers here and become
 * Katib's strings only in katib.ts.
 *
 * No logic here: types and the fixed vocabularies.
 */

/** Katib's parameter types. */
export type SearchType = 'double' | 'int' | 'categorical' | 'discrete';

export const SEARCH_TYPES: readonly SearchType[] = ['double', 'int', 'categorical', 'discrete'];

export interface SearchParameter {
  /** A pipeline parameter (a name of the parameters cell). */
  name: string;
  type: SearchType;
  /** double and int: the range, both ends included. */
  min?: number;
  max?: number;
  /** double and int: the grid step (int default 1; double needs one for `grid`). */
  step?: number;
  /** categorical (values as text, as Katib keeps them) and discrete (numbers). */
  list?: Array<string | number | boolean>;
  /** double and int: sample on a log scale (Katib's `logUniform`); needs min > 0. */
  log?: boolean;
  /** The parameters cell's literal, for display (a study does not use it). */
  default?: unknown;
}

export type Direction = 'maximize' | 'minimize';

export interface StudyObjective {
  /** A metric of the metrics cell. */
  metric: string;
  direction: Direction;
  /** Stop once a trial reaches this value (>= when maximizing, <= when minimizing). */
  goal?: number;
}

/** Katib's algorithm names; the bridge maps each to the Optuna sampler Katib itself uses. */
export type Algorithm = 'random' | 'grid' | 'tpe' | 'multivariate-tpe' | 'cmaes' | 'sobol' | 'bayesianoptimization';

export const ALGORITHMS: readonly Algorithm[] = [
  'random',
  'grid',
  'tpe',
  'multivariate-tpe',
  'cmaes',
  'sobol',
  'bayesianoptimization'
];

export interface StudyBudget {
  /** Trials that finish (succeeded or failed), as Katib's maxTrialCount. */
  maxTrials: number;
  /** Trials running at once (Katib's parallelTrialCount). */
  parallelTrials: number;
  /** The study fails when more trials than this have failed (Katib's maxFailedTrialCount). */
  maxFailedTrials: number;
}

export interface StudySpec {
  parameters: SearchParameter[];
  objective: StudyObjective;
  algorithm: Algorithm;
  budget: StudyBudget;
  /** Seeds the sampler, so a study can be repeated. */
  seed?: number;
}

/** Katib's defaults where it has them (parallelTrialCount 3); the rest are ours. */
export const DEFAULT_BUDGET: StudyBudget = { maxTrials: 12, parallelTrials: 3, maxFailedTrials: 3 };

/** A problem with a spec, placed at its field: `parameters.lr.min`, `budget.maxTrials`, `objective.metric`. */
export interface StudyProblem {
  severity: 'error' | 'warning';
  field: string;
  message: string;
}
