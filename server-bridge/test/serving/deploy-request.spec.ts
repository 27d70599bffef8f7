/** The body of `POST /api/deployments` for the Kubeflow target: checked before anything is asked of the cluster. */
import { deployRequestOf } from '../../src/http/deployments';

describe('deployRequestOf with a target', () => {
  it('takes the Kubeflow fields', () => {
    expect(deployRequestOf({ run: 'r1', name: 'iris', target: 'kubeflow', storageUri: 's3://m/iris', modelFormat: 'sklearn', namespace: 'team-a' }, 'alice'))
      .toEqual({ run: 'r1', output: 'model', name: 'iris', role: 'champion', user: 'alice', target: 'kubeflow', storageUri: 's3://m/iris', modelFormat: 'sklearn', namespace: 'team-a' });
  });

  it('refuses them for a local deployment, and an unknown target, naming the field', () => {
    expect(() => deployRequestOf({ run: 'r1', name: 'iris', storageUri: 's3://m/iris' }, 'alice')).toThrow(expect.objectContaining({ field: 'storageUri', status: 400 }));
    expect(() => deployRequestOf({ run: 'r1', name: 'iris', target: 'seldon' }, 'alice')).toThrow(expect.objectContaining({ field: 'target' }));
    expect(() => deployRequestOf({ run: 'r1', name: 'iris', target: 'kubeflow', storageUri: '' }, 'alice')).toThrow(expect.objectContaining({ field: 'storageUri' }));
    // A challenger's target is its deployment's: not a field of its own.
    expect(() => deployRequestOf({ run: 'r2', target: 'kubeflow' }, 'alice', 'iris')).toThrow(expect.objectContaining({ field: 'target' }));
  });

  it('leaves a local request as it was (backwards compatible)', () => {
    expect(deployRequestOf({ run: 'r1', name: 'iris' }, 'alice')).toEqual({ run: 'r1', output: 'model', name: 'iris', role: 'champion', user: 'alice' });
  });
});
