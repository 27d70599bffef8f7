/** `POST /api/runs` options for the engines: checked field by field before any engine runs. */
import { startRequestOf } from '../../src/http/runs';

const nb = { path: 'a.ipynb' };

it('local is the default; kubeflow takes an experiment', () => {
  expect(startRequestOf({ notebook: nb }, 'alice').engine).toBe('local');
  const request = startRequestOf({ notebook: nb, options: { engine: 'kubeflow', experiment: ' nightly ', cache: false } }, 'alice');
  expect(request).toMatchObject({ engine: 'kubeflow', experiment: 'nightly', options: { cache: false }, user: 'alice' });
});

it.each([
  [{ engine: 'argo' }, 'options.engine'],
  [{ engine: 'local', experiment: 'x' }, 'options.experiment'],
  [{ engine: 'kubeflow', experiment: '' }, 'options.experiment'],
  [{ engine: 'kubeflow', python: '/usr/bin/python3' }, 'options.python'],
  [{ engine: 'kubeflow', parallelism: 2 }, 'options.parallelism'],
  [{ engine: 'kubeflow', surprise: 1 }, 'options.surprise']
])('options %j -> 400 naming %s', (options, field) => {
  expect(() => startRequestOf({ notebook: nb, options }, 'alice')).toThrow(expect.objectContaining({ field }));
});
