import { explainModelStatus, summarizeStatus } from '../../src/serving';

describe('explainModelStatus', () => {
  it('says nothing when the model is loaded', () => {
    expect(explainModelStatus({ modelStatus: { transitionStatus: 'UpToDate', states: { activeModelState: 'Loaded' } } })).toBeNull();
    expect(explainModelStatus(null)).toBeNull();
  });
  it('turns lastFailureInfo into plain words', () => {
    expect(explainModelStatus({
      transitionStatus: 'BlockedByFailedLoad',
      states: { activeModelState: 'FailedToLoad' },
      lastFailureInfo: { reason: 'ModelLoadFailed', message: 'No such file: /mnt/models/model.joblib', exitCode: 1 }
    })).toBe(
      'The model is not serving: the model server started but could not load the model: check that storageUri holds the model file ' +
      'the runtime expects and that the storage service account can read it. Its container exited with an error (exit code 1: see ' +
      'the predictor container log). KServe says: No such file: /mnt/models/model.joblib'
    );
    expect(explainModelStatus({ lastFailureInfo: { reason: 'RuntimeUnhealthy', exitCode: 137 } })).toBe(
      'The model is not serving: the model server is not healthy (it crashed or failed its health checks). ' +
      'Its container killed (exit code 137: usually out of memory; give the predictor more memory).'
    );
    expect(explainModelStatus({ lastFailureInfo: { reason: 'NoSupportingRuntime' } })).toMatch(/no serving runtime on the cluster supports this model format/);
    expect(explainModelStatus({ transitionStatus: 'BlockedByFailedLoad', states: { activeModelState: 'FailedToLoad' } })).toBe('The model failed to load (KServe gave no reason).');
  });
});

describe('summarizeStatus', () => {
  it('reads Ready, url, traffic and explains the model status', () => {
    expect(summarizeStatus({
      url: 'http://iris.team-a.example.com',
      conditions: [{ type: 'PredictorReady', status: 'True' }, { type: 'Ready', status: 'False', reason: 'RevisionFailed', message: 'model failed' }],
      components: { predictor: { traffic: [{ revisionName: 'iris-predictor-00001', percent: 90 }, { revisionName: 'iris-predictor-00002', percent: 10, latestRevision: true, tag: 'latest' }] } },
      modelStatus: { transitionStatus: 'BlockedByFailedLoad', states: { activeModelState: 'FailedToLoad' }, lastFailureInfo: { reason: 'RuntimeDisabled' } }
    })).toEqual({
      ready: false,
      reason: 'RevisionFailed: model failed',
      url: 'http://iris.team-a.example.com',
      traffic: [{ revisionName: 'iris-predictor-00001', percent: 90 }, { revisionName: 'iris-predictor-00002', percent: 10, tag: 'latest', latestRevision: true }],
      canaries: [],
      modelState: 'FailedToLoad',
      explanation: 'The model is not serving: the serving runtime for this model format is disabled on the cluster: ask your admin to enable it.'
    });
    expect(summarizeStatus(undefined)).toEqual({ ready: false, reason: null, url: null, traffic: [], canaries: [], modelState: null, explanation: null });
  });
});
