import type { KernelSpec } from '@jupyterlab/services';
import { kernelPython, notebookKernelName } from '../pipeline/kernel-python';
import { runOptionsOf } from '../pipeline/target';

const specs = {
  default: 'python3',
  kernelspecs: {
    python3: { name: 'python3', display_name: 'Python 3', language: 'python', argv: ['python', '-m', 'ipykernel_launcher'], resources: {} },
    env: { name: 'env', display_name: 'env', language: 'python', argv: ['/opt/env/bin/python', '-m', 'ipykernel_launcher'], resources: {} },
    ir: { name: 'ir', display_name: 'R', language: 'R', argv: ['/usr/bin/R', '--slave'], resources: {} }
  }
} as unknown as KernelSpec.ISpecModels;

describe('the notebook kernel’s Python', () => {
  it('is the absolute interpreter of a Python kernelspec', () => {
    expect(kernelPython(specs, 'env')).toBe('/opt/env/bin/python');
  });

  it('is left to the bridge (the server’s Python) for the native kernel, other languages and unknown kernels', () => {
    expect(kernelPython(specs, 'python3')).toBeUndefined();
    expect(kernelPython(specs, 'ir')).toBeUndefined();
    expect(kernelPython(specs, 'gone')).toBeUndefined();
    expect(kernelPython(null, 'env')).toBeUndefined();
  });

  it('takes the kernel from the notebook’s metadata first, then its session', () => {
    expect(notebookKernelName({ name: 'env', display_name: 'env' }, 'python3')).toBe('env');
    expect(notebookKernelName(undefined, 'python3')).toBe('python3');
    expect(notebookKernelName({ name: 42 }, undefined)).toBeUndefined();
  });

  it('goes into local run options only', () => {
    expect(runOptionsOf('local', true, undefined, '/opt/env/bin/python')).toEqual({
      engine: 'local',
      cache: true,
      python: '/opt/env/bin/python'
    });
    expect(runOptionsOf('kubeflow', true, 'team', '/opt/env/bin/python')).toEqual({
      engine: 'kubeflow',
      cache: true,
      experiment: 'team'
    });
  });
});
