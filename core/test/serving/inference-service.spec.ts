import {
  canaryPatch, inferenceService, modelFormatOf, promotePatch, rollbackPatch, ServingSpecError, ServedVersion, trafficPatch
} from '../../src/serving';

const v1: ServedVersion = { id: 'v1', modelFormat: 'sklearn', storageUri: 's3://models/iris/v1' };
const v2: ServedVersion = { id: 'v2', modelFormat: 'sklearn', storageUri: 's3://models/iris/v2' };

describe('modelFormatOf', () => {
  it('takes the Python type\'s top package', () => {
    expect(modelFormatOf('joblib', 'sklearn.tree._classes.DecisionTreeClassifier')).toBe('sklearn');
    expect(modelFormatOf('joblib', 'xgboost.sklearn.XGBClassifier')).toBe('xgboost');
    expect(modelFormatOf('joblib', 'lightgbm.sklearn.LGBMRegressor')).toBe('lightgbm');
  });
  it('refuses what it cannot tell, naming the field', () => {
    expect(() => modelFormatOf('pickle', 'mypkg.Model')).toThrow(ServingSpecError);
    expect(() => modelFormatOf('pickle', null)).toThrow(/give modelFormat/);
  });
});

describe('inferenceService', () => {
  it('is exactly the documented champion object', () => {
    expect(inferenceService({ name: 'iris', namespace: 'team-a', mode: 'knative', serviceAccountName: 'models-sa' }, v1)).toEqual({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'iris', namespace: 'team-a', annotations: { 'serving.kserve.io/deploymentMode': 'Knative' } },
      spec: { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris/v1' }, serviceAccountName: 'models-sa' } }
    });
    const standard = inferenceService({ name: 'iris', namespace: 'team-a', mode: 'standard' }, v1);
    expect(standard.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard' });
    expect(standard.spec).toEqual({ predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris/v1' } } });
  });
  it('refuses a storage URI the cluster cannot pull', () => {
    expect(() => inferenceService({ name: 'iris', namespace: 'a', mode: 'knative' }, { ...v1, storageUri: '/home/me/model' }))
      .toThrow(expect.objectContaining({ field: 'storageUri' }));
  });
});

describe('knative mode edits', () => {
  it('canary: the new predictor with canaryTrafficPercent', () => {
    expect(canaryPatch('knative', 'iris', v2, 10, 'models-sa')).toEqual([{
      op: 'replace', path: '/spec/predictor',
      value: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris/v2' }, serviceAccountName: 'models-sa', canaryTrafficPercent: 10 }
    }]);
  });
  it('traffic, promote (remove the field), rollback (champion back, pinned with 0)', () => {
    expect(trafficPatch('knative', 30)).toEqual([{ op: 'replace', path: '/spec/predictor/canaryTrafficPercent', value: 30 }]);
    expect(promotePatch('knative', v2)).toEqual([{ op: 'remove', path: '/spec/predictor/canaryTrafficPercent' }]);
    expect(rollbackPatch('knative', v1)).toEqual([{
      op: 'replace', path: '/spec/predictor',
      value: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris/v1' }, canaryTrafficPercent: 0 }
    }]);
  });
});

describe('standard mode edits (v0.20 spec.canary[])', () => {
  it('canary: one entry with a named predictor (its model container named, as the CRD requires) and trafficPercent', () => {
    expect(canaryPatch('standard', 'iris', v2, 10)).toEqual([{
      op: 'add', path: '/spec/canary',
      value: [{ predictor: { name: 'iris-v2', model: { name: 'kserve-container', modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris/v2' } }, trafficPercent: 10 }]
    }]);
  });
  it('traffic, promote (canary becomes the predictor), rollback (canary removed)', () => {
    expect(trafficPatch('standard', 50)).toEqual([{ op: 'replace', path: '/spec/canary/0/trafficPercent', value: 50 }]);
    expect(promotePatch('standard', v2, 'models-sa')).toEqual([
      { op: 'replace', path: '/spec/predictor', value: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://models/iris/v2' }, serviceAccountName: 'models-sa' } },
      { op: 'remove', path: '/spec/canary' }
    ]);
    expect(rollbackPatch('standard', v1)).toEqual([{ op: 'remove', path: '/spec/canary' }]);
  });
  it('refuses a share KServe cannot take', () => {
    expect(() => trafficPatch('standard', 12.5)).toThrow(/whole number from 0 to 100/);
    expect(() => canaryPatch('knative', 'iris', v2, 101)).toThrow(expect.objectContaining({ field: 'challengerPercent' }));
  });
});
