import { graphWeightsPatch, inferenceGraph, percentages } from '../../src/serving';

describe('inferenceGraph', () => {
  it('is a Splitter root over one InferenceService per version, weights adding up to 100', () => {
    expect(inferenceGraph('iris-router', [{ serviceName: 'iris' }, { serviceName: 'iris-v2' }], [2, 1], 'team-a')).toEqual({
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'InferenceGraph',
      metadata: { name: 'iris-router', namespace: 'team-a' },
      spec: { nodes: { root: { routerType: 'Splitter', steps: [
        { name: 'iris', serviceName: 'iris', weight: 67 },
        { name: 'iris-v2', serviceName: 'iris-v2', weight: 33 }
      ] } } }
    });
  });
  it('rounds by largest remainder, always to exactly 100', () => {
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([0, 0])).toEqual([50, 50]);
    expect(percentages([0.999, 0.001])).toEqual([100, 0]);
    expect(graphWeightsPatch([3, 1])).toEqual([
      { op: 'replace', path: '/spec/nodes/root/steps/0/weight', value: 75 },
      { op: 'replace', path: '/spec/nodes/root/steps/1/weight', value: 25 }
    ]);
    expect(() => inferenceGraph('x', [{ serviceName: 'a' }], [1, 2])).toThrow(/one weight per version/);
  });
});
