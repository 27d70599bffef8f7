/**
 * Studies on the wire: what `/api/studies` answers and the `study` /
 * `trial` events carry, shared by the bridge (which keeps and sends them:
 * server-bridge/src/tuning/) and the Tune view (which reads them). Pure
 * types. A study is a search over a notebook's
 * pipeline parameters; each trial is one local run of that pipeline, or
 * (target 'kubeflow') one Katib Trial of the study's Experiment.
 *
 * Events (on the bridge's events socket, next to `run` and `task`):
 *   {type: 'study', study: StudyRecord}                   any change of a study
 *   {type: 'trial', study: id, notebook, trial: TrialRecord}   a trial started or finished
 * A Katib study's events go to its user's sockets only (its objects live in
 * that user's namespace); local studies' go to every socket.
 */
import type { StudySpec } from './spec';

/**
 * running: trials are being asked and run; stopped: by the user (resume
 * goes on); succeeded: the budget or the goal was reached with at least
 * one successful trial; failed: more trials failed than maxFailedTrials, or
 * none succeeded, or the study could not go on (its `error` says why).
 */
export type StudyState = 'running' | 'stopped' | 'succeeded' | 'failed';

export const FINISHED_STUDY_STATES: readonly StudyState[] = ['succeeded', 'failed'];

/**
 * running: its run is in progress; succeeded: the run succeeded and reported
 * the objective; failed: the run failed or did not report the objective
 * (counts against maxFailedTrials); interrupted / cancelled: the bridge
 * stopped or the user stopped the study while it ran: not counted against
 * the budget, its parameters are tried again when the study resumes.
 */
export type TrialState = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

/** Why a study stopped asking for trials. */
export type StudyReason = 'maxTrials' | 'goal' | 'maxFailedTrials' | 'stopped' | 'error' | null;

export interface TrialRecord {
  /** Optuna's trial number: 0, 1, 2... in the order trials were asked. */
  number: number;
  state: TrialState;
  /** The values the run was given, in the pipeline parameters' own types. */
  parameters: { [name: string]: unknown };
  /** Every metric the run reported (null until it finished). */
  metrics: { [name: string]: number } | null;
  /** The objective metric's value (null unless succeeded). */
  objective: number | null;
  /** The local run of this trial (GET /api/runs/:id shows its steps, cache hits included). */
  run: string | null;
  startedAt: number;
  finishedAt: number | null;
  /** finishedAt - startedAt, when finished. */
  durationMs: number | null;
  error: string | null;
  /** Katib studies: the Trial object's name (its trials have no run here: `run` is null). */
  name?: string;
  /**
   * Katib studies: the Trial's own condition (Created, Running, Succeeded, Killed,
   * Failed, MetricsUnavailable, EarlyStopped) that `state` was mapped from.
   */
  condition?: string;
}

export interface StudyCounts {
  /** Trials asked, of every state. */
  trials: number;
  succeeded: number;
  failed: number;
  running: number;
  /** interrupted + cancelled: retried on resume, not counted in the budget. */
  retried: number;
}

export interface StudyBest {
  trial: number;
  parameters: { [name: string]: unknown };
  metrics: { [name: string]: number };
  objective: number;
}

export interface StudyRecord {
  id: string;
  /** Notebook path relative to the Jupyter root (null for inline content). */
  notebook: string | null;
  pipeline: string;
  /** Where trials run: 'local' (Optuna and local runs) or 'kubeflow' (a Katib Experiment). */
  target: 'local' | 'kubeflow';
  spec: StudySpec;
  state: StudyState;
  reason: StudyReason;
  error: string | null;
  user: string | null;
  createdAt: number;
  finishedAt: number | null;
  counts: StudyCounts;
  best: StudyBest | null;
  /** Katib studies: where the Experiment lives and what Katib last said about it. */
  namespace?: string;
  experiment?: string;
  katib?: KatibStudyStatus;
}

/** The Experiment's status as Katib reported it (counters are Katib's own). */
export interface KatibStudyStatus {
  /** The Experiment's current condition: Created, Running, Restarting, Succeeded, Failed (null before any). */
  condition: string | null;
  reason: string | null;
  message: string | null;
  /** status.currentOptimalTrial.bestTrialName (null until Katib names one). */
  optimalTrial: string | null;
  counts: {
    trials: number; succeeded: number; failed: number; running: number; pending: number;
    earlyStopped: number; metricsUnavailable: number; killed: number;
  };
  /** spec.maxTrialCount as the bridge last set it (stop lowers it: Katib has no stop). */
  maxTrialCount: number;
}

export interface StudyWithTrials extends StudyRecord {
  trials: TrialRecord[];
}

export type StudyEvent =
  | { type: 'study'; study: StudyRecord }
  | { type: 'trial'; study: string; notebook: string | null; trial: TrialRecord };
