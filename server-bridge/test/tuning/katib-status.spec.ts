/**
 * Katib's Trial and Experiment status in the studies' words
 * (tuning/katib-status.ts): exact values for every condition Katib sets.
 */
import { currentCondition, experimentStatus, parameterValue, studyState, trialView } from '../../src/tuning/katib-status';
import type { StudySpec } from '../../../core/src/tuning/spec';

const SPEC: StudySpec = {
  parameters: [
    { name: 'lr', type: 'double', min: 0.001, max: 0.3, log: true },
    { name: 'depth', type: 'int', min: 2, max: 10 },
    { name: 'booster', type: 'categorical', list: ['gbtree', 'dart'] },
    { name: 'subsample', type: 'discrete', list: [0.5, 1] }
  ],
  objective: { metric: 'accuracy', direction: 'maximize' },
  algorithm: 'tpe',
  budget: { maxTrials: 6, parallelTrials: 2, maxFailedTrials: 1 }
};
const NOW = Date.parse('2026-01-01T00:00:00Z');
const T0 = '2025-12-31T10:00:00Z';
const T1 = '2025-12-31T10:02:30Z';

function trial(conditions: object[], metrics?: object[], extra: object = {}): any {
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Trial',
    metadata: { name: 'xgb-tune-abc123', creationTimestamp: '2025-12-31T09:59:59Z', labels: { 'katib.kubeflow.org/experiment': 'xgb-tune' } },
    spec: {
      parameterAssignments: [
        { name: 'lr', value: '0.0125' }, { name: 'depth', value: '7' }, { name: 'booster', value: 'dart' }, { name: 'subsample', value: '0.5' }
      ]
    },
    status: { startTime: T0, conditions, ...(metrics ? { observation: { metrics } } : {}), ...extra }
  };
}
const c = (type: string, status = 'True', more: object = {}) => ({ type, status, lastTransitionTime: T1, ...more });
const PARAMS = { lr: 0.0125, depth: 7, booster: 'dart', subsample: 0.5 };
const METRICS = [{ name: 'accuracy', min: '0.9', max: '0.95', latest: '0.93' }, { name: 'loss', min: '0.1', max: '0.3', latest: '0.2' }];

describe('trialView', () => {
  it('maps a created trial without status to running, started at its creation', () => {
    const t = trial([]);
    delete t.status;
    expect(trialView(t, SPEC, NOW)).toEqual({
      name: 'xgb-tune-abc123', condition: null, state: 'running', parameters: PARAMS, metrics: null, objective: null,
      startedAt: Date.parse('2025-12-31T09:59:59Z'), finishedAt: null, error: null
    });
  });

  it('maps Created and Running to running', () => {
    expect(trialView(trial([c('Created')]), SPEC, NOW)).toMatchObject({ condition: 'Created', state: 'running', startedAt: Date.parse(T0), finishedAt: null });
    expect(trialView(trial([c('Created'), c('Running')]), SPEC, NOW)).toMatchObject({ condition: 'Running', state: 'running', finishedAt: null, error: null });
  });

  it('maps Succeeded with the objective to succeeded, with every metric as a number', () => {
    const v = trialView(trial([c('Created'), c('Running', 'False'), c('Succeeded')], METRICS, { completionTime: '2025-12-31T10:03:00Z' }), SPEC, NOW);
    expect(v).toEqual({
      name: 'xgb-tune-abc123', condition: 'Succeeded', state: 'succeeded', parameters: PARAMS,
      metrics: { accuracy: 0.93, loss: 0.2 }, objective: 0.93,
      startedAt: Date.parse(T0), finishedAt: Date.parse('2025-12-31T10:03:00Z'), error: null
    });
  });

  it('takes the terminal condition that is True, wherever it is in the list', () => {
    expect(trialView(trial([c('Succeeded'), c('Running', 'False'), c('Created')], METRICS), SPEC, NOW).condition).toBe('Succeeded');
    expect(trialView(trial([c('Running'), c('Succeeded', 'False')]), SPEC, NOW).condition).toBe('Running');
  });

  it('fails a Succeeded trial without the objective ("unavailable" is no value)', () => {
    const v = trialView(trial([c('Succeeded')], [{ name: 'accuracy', latest: 'unavailable' }, { name: 'loss', latest: '0.5' }]), SPEC, NOW);
    expect(v).toMatchObject({ state: 'failed', metrics: { loss: 0.5 }, objective: null, finishedAt: Date.parse(T1), error: 'Katib reports no value for the objective accuracy' });
  });

  it('counts an EarlyStopped trial with its observation as succeeded', () => {
    expect(trialView(trial([c('EarlyStopped', 'True', { reason: 'TrialEarlyStopped' })], METRICS), SPEC, NOW))
      .toMatchObject({ condition: 'EarlyStopped', state: 'succeeded', objective: 0.93, error: null, finishedAt: Date.parse(T1) });
  });

  it('explains MetricsUnavailable, Failed and Killed', () => {
    expect(trialView(trial([c('MetricsUnavailable', 'True', { reason: 'MetricsUnavailable', message: 'Metrics are not available' })]), SPEC, NOW)).toMatchObject({
      state: 'failed', objective: null,
      error: 'Katib could not read the metrics: a trial must print name=value lines (e.g. accuracy=0.93) on stdout (Metrics are not available)'
    });
    expect(trialView(trial([c('Failed', 'True', { reason: 'TrialFailed', message: 'Trial has failed. Job reason: BackoffLimitExceeded' })], METRICS), SPEC, NOW)).toMatchObject({
      state: 'failed', objective: null, metrics: { accuracy: 0.93, loss: 0.2 }, error: 'the trial failed: Trial has failed. Job reason: BackoffLimitExceeded'
    });
    expect(trialView(trial([c('Killed', 'True', { reason: 'TrialKilled' })]), SPEC, NOW)).toMatchObject({
      state: 'cancelled', error: 'Katib killed the trial: TrialKilled', finishedAt: Date.parse(T1)
    });
  });

  it('types assignments by the search space; unknown names and non-numbers stay text', () => {
    expect(parameterValue(SPEC, 'lr', '1e-3')).toBe(0.001);
    expect(parameterValue(SPEC, 'depth', '4')).toBe(4);
    expect(parameterValue(SPEC, 'booster', '1')).toBe('1');
    expect(parameterValue(SPEC, 'other', '3')).toBe('3');
    expect(parameterValue(SPEC, 'lr', 'abc')).toBe('abc');
  });
});

function experiment(conditions: object[], status: object = {}, maxTrialCount = 6): any {
  return { metadata: { name: 'xgb-tune' }, spec: { maxTrialCount }, status: { conditions, ...status } };
}

describe('experimentStatus', () => {
  it('keeps Katib\'s counters, the optimal trial and the current condition', () => {
    const e = experiment([c('Created'), c('Running', 'True', { reason: 'ExperimentRunning', message: 'Experiment is running' })], {
      trials: 5, trialsSucceeded: 2, trialsFailed: 1, trialsRunning: 1, trialsPending: 1, trialsEarlyStopped: 0, trialMetricsUnavailable: 0, trialsKilled: 0,
      currentOptimalTrial: { bestTrialName: 'xgb-tune-abc123', parameterAssignments: [{ name: 'lr', value: '0.0125' }], observation: { metrics: [{ name: 'accuracy', latest: '0.93' }] } }
    });
    expect(experimentStatus(e)).toEqual({
      condition: 'Running', reason: 'ExperimentRunning', message: 'Experiment is running', optimalTrial: 'xgb-tune-abc123',
      counts: { trials: 5, succeeded: 2, failed: 1, running: 1, pending: 1, earlyStopped: 0, metricsUnavailable: 0, killed: 0 },
      maxTrialCount: 6
    });
  });

  it('is all zeros and nulls before Katib wrote any status', () => {
    expect(experimentStatus({ metadata: { name: 'e' }, spec: { maxTrialCount: 3 } })).toEqual({
      condition: null, reason: null, message: null, optimalTrial: null,
      counts: { trials: 0, succeeded: 0, failed: 0, running: 0, pending: 0, earlyStopped: 0, metricsUnavailable: 0, killed: 0 },
      maxTrialCount: 3
    });
  });
});

describe('studyState', () => {
  const done = { completionTime: '2025-12-31T11:00:00Z' };
  it('is running until Katib ends it, stopped once the user stopped it', () => {
    expect(studyState(experiment([c('Created')]), false, NOW)).toEqual({ state: 'running', reason: null, error: null, finishedAt: null });
    expect(studyState(experiment([c('Restarting')]), false, NOW)).toEqual({ state: 'running', reason: null, error: null, finishedAt: null });
    expect(studyState(experiment([c('Running')]), true, NOW)).toEqual({ state: 'stopped', reason: 'stopped', error: null, finishedAt: null });
  });

  it('maps Succeeded by its reason', () => {
    expect(studyState(experiment([c('Running', 'False'), c('Succeeded', 'True', { reason: 'ExperimentGoalReached' })], done), false, NOW))
      .toEqual({ state: 'succeeded', reason: 'goal', error: null, finishedAt: Date.parse('2025-12-31T11:00:00Z') });
    expect(studyState(experiment([c('Succeeded', 'True', { reason: 'ExperimentMaxTrialsReached' })]), false, NOW))
      .toEqual({ state: 'succeeded', reason: 'maxTrials', error: null, finishedAt: Date.parse(T1) });
    // Stop lowered maxTrialCount: Katib's MaxTrialsReached is the user's stop.
    expect(studyState(experiment([c('Succeeded', 'True', { reason: 'ExperimentMaxTrialsReached' })]), true, NOW))
      .toEqual({ state: 'stopped', reason: 'stopped', error: null, finishedAt: Date.parse(T1) });
    // The goal wins over a stop.
    expect(studyState(experiment([c('Succeeded', 'True', { reason: 'ExperimentGoalReached' })]), true, NOW).state).toBe('succeeded');
  });

  it('maps Failed with Katib\'s message', () => {
    expect(studyState(experiment([c('Failed', 'True', { reason: 'ExperimentMaxFailedTrialsReached', message: 'Experiment has failed because max failed count has reached' })]), false, NOW))
      .toEqual({ state: 'failed', reason: 'maxFailedTrials', error: 'Experiment has failed because max failed count has reached', finishedAt: Date.parse(T1) });
    expect(studyState(experiment([c('Failed', 'True', { reason: 'ExperimentFailed' })]), true, NOW))
      .toEqual({ state: 'failed', reason: 'error', error: 'ExperimentFailed', finishedAt: Date.parse(T1) });
  });

  it('finds the current condition by status, not by position', () => {
    expect(currentCondition([c('Succeeded', 'False'), c('Running')], ['Succeeded', 'Failed', 'Running'])?.type).toBe('Running');
    expect(currentCondition('nonsense', ['Running'])).toBeNull();
  });
});
