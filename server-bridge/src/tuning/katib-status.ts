/**
 * Katib's status in the studies' own words (core/src/tuning/wire.ts), so
 * the Tune view shows a Katib study like a local one. Pure: katib-watch.ts
 * feeds it the objects its watches see.
 *
 * Trial (kubeflow.org/v1beta1 Trial) -> TrialRecord fields:
 *   condition  the current one: a terminal condition that is True (Succeeded,
 *              EarlyStopped, MetricsUnavailable, Failed, Killed), else Running,
 *              else Created. Katib appends conditions and flips old ones to
 *              False, so "True" is what counts, not the position.
 *   state      Created|Running -> running (the wire has no "pending": a
 *              created trial is shown as running, its `condition` says Created);
 *              Succeeded -> succeeded, EarlyStopped -> succeeded (Katib counts
 *              its observation for the optimal trial too), both only with a
 *              value for the objective, else failed; Failed and
 *              MetricsUnavailable -> failed (with why); Killed -> cancelled.
 *   parameters spec.parameterAssignments (Katib's strings) in the search
 *              space's types: double/int/discrete as numbers, categorical as text.
 *   metrics    status.observation.metrics[].latest as numbers ("unavailable" dropped).
 *
 * Experiment -> KatibStudyStatus and the study's state: Succeeded ->
 * succeeded (reason goal / maxTrials) unless the user stopped it (stop lowers
 * maxTrialCount, so Katib ends it as MaxTrialsReached: that is `stopped`);
 * Failed -> failed (maxFailedTrials, else error with Katib's message);
 * anything else -> running (or stopped, once the user stopped it).
 */
import type { StudySpec } from '../../../core/src/tuning/spec';
import type { KatibStudyStatus, StudyReason, StudyState, TrialState } from './types';

type Obj = { [key: string]: any };

export interface KatibCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const TRIAL_TERMINAL = ['Succeeded', 'EarlyStopped', 'MetricsUnavailable', 'Failed', 'Killed'];
const EXPERIMENT_TERMINAL = ['Succeeded', 'Failed'];

/** The condition that is True, terminal ones first. */
export function currentCondition(conditions: unknown, order: string[]): KatibCondition | null {
  const list = Array.isArray(conditions) ? (conditions as KatibCondition[]) : [];
  for (const type of order) {
    const found = list.find(c => c?.type === type && c.status === 'True');
    if (found) {
      return found;
    }
  }
  return null;
}

const time = (v: unknown): number | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
};

/** A Katib string as a number, when it is one ("unavailable" and "" are not). */
const number = (v: unknown): number | null => {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : null;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    return null;
  }
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** An assignment's text in its parameter's type (as a local trial would have it). */
export function parameterValue(spec: StudySpec, name: string, value: unknown): unknown {
  const p = spec.parameters.find(q => q.name === name);
  if (p && p.type !== 'categorical') {
    return number(value) ?? value;
  }
  return value;
}

export interface KatibTrialView {
  name: string;
  condition: string | null;
  state: TrialState;
  parameters: { [name: string]: unknown };
  metrics: { [name: string]: number } | null;
  objective: number | null;
  startedAt: number;
  finishedAt: number | null;
  error: string | null;
}

export function trialView(trial: Obj, spec: StudySpec, now = Date.now()): KatibTrialView {
  const status: Obj = trial.status ?? {};
  const current = currentCondition(status.conditions, [...TRIAL_TERMINAL, 'Running', 'Created']);
  const parameters: { [name: string]: unknown } = {};
  for (const a of (trial.spec?.parameterAssignments ?? []) as Obj[]) {
    if (typeof a?.name === 'string') {
      parameters[a.name] = parameterValue(spec, a.name, a.value);
    }
  }
  const metrics: { [name: string]: number } = {};
  for (const m of (status.observation?.metrics ?? []) as Obj[]) {
    const value = number(m?.latest);
    if (typeof m?.name === 'string' && value !== null) {
      metrics[m.name] = value;
    }
  }
  const hasMetrics = Object.keys(metrics).length > 0;
  const metric = spec.objective.metric;
  const objective = metric in metrics ? metrics[metric] : null;
  const type = current?.type ?? null;
  const said = current?.message || current?.reason || '';
  let state: TrialState = 'running';
  let error: string | null = null;
  if (type === 'Succeeded' || type === 'EarlyStopped') {
    state = objective === null ? 'failed' : 'succeeded';
    error = objective === null ? `Katib reports no value for the objective ${metric}` : null;
  } else if (type === 'MetricsUnavailable') {
    state = 'failed';
    error = `Katib could not read the metrics: a trial must print name=value lines (e.g. ${metric}=0.93) on stdout${said ? ` (${said})` : ''}`;
  } else if (type === 'Failed') {
    state = 'failed';
    error = `the trial failed${said ? `: ${said}` : ''}`;
  } else if (type === 'Killed') {
    state = 'cancelled';
    error = `Katib killed the trial${said ? `: ${said}` : ''}`;
  }
  const startedAt = time(status.startTime) ?? time(trial.metadata?.creationTimestamp) ?? now;
  const finishedAt = state === 'running' ? null : time(status.completionTime) ?? time(current?.lastTransitionTime) ?? now;
  return {
    name: String(trial.metadata?.name ?? ''),
    condition: type,
    state,
    parameters,
    metrics: hasMetrics ? metrics : null,
    objective: state === 'succeeded' ? objective : null,
    startedAt,
    finishedAt,
    error
  };
}

/** The Experiment's status, summarized (counters are Katib's own). */
export function experimentStatus(experiment: Obj): KatibStudyStatus {
  const status: Obj = experiment.status ?? {};
  const current = currentCondition(status.conditions, [...EXPERIMENT_TERMINAL, 'Restarting', 'Running', 'Created']);
  const count = (key: string) => number(status[key]) ?? 0;
  return {
    condition: current?.type ?? null,
    reason: current?.reason ?? null,
    message: current?.message ?? null,
    optimalTrial: status.currentOptimalTrial?.bestTrialName || null,
    counts: {
      trials: count('trials'),
      succeeded: count('trialsSucceeded'),
      failed: count('trialsFailed'),
      running: count('trialsRunning'),
      pending: count('trialsPending'),
      earlyStopped: count('trialsEarlyStopped'),
      metricsUnavailable: count('trialMetricsUnavailable'),
      killed: count('trialsKilled')
    },
    maxTrialCount: number(experiment.spec?.maxTrialCount) ?? 0
  };
}

export interface KatibStudyState {
  state: StudyState;
  reason: StudyReason;
  error: string | null;
  /** When Katib finished the Experiment (null while it goes on). */
  finishedAt: number | null;
}

/** The study's state from the Experiment; `stopped`: the user stopped it through the bridge. */
export function studyState(experiment: Obj, stopped: boolean, now = Date.now()): KatibStudyState {
  const status: Obj = experiment.status ?? {};
  const current = currentCondition(status.conditions, [...EXPERIMENT_TERMINAL, 'Restarting', 'Running', 'Created']);
  const finishedAt = time(status.completionTime) ?? time(current?.lastTransitionTime) ?? now;
  const said = current?.message || current?.reason || null;
  if (current?.type === 'Succeeded') {
    if (current.reason === 'ExperimentGoalReached') {
      return { state: 'succeeded', reason: 'goal', error: null, finishedAt };
    }
    return stopped
      ? { state: 'stopped', reason: 'stopped', error: null, finishedAt }
      : { state: 'succeeded', reason: 'maxTrials', error: null, finishedAt };
  }
  if (current?.type === 'Failed') {
    const tooMany = current.reason === 'ExperimentMaxFailedTrialsReached';
    return { state: 'failed', reason: tooMany ? 'maxFailedTrials' : 'error', error: said ?? 'Katib reports the Experiment failed', finishedAt };
  }
  return stopped
    ? { state: 'stopped', reason: 'stopped', error: null, finishedAt: null }
    : { state: 'running', reason: null, error: null, finishedAt: null };
}
