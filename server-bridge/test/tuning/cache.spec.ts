/**
 * Caching across trials: on a four-step pipeline where only the last step
 * uses the tuned parameter, every trial after the first reruns only that
 * step (and the metrics step after it); the recorded tasks say so.
 */
import { Sandbox, sandbox } from '../engine/helpers';
import { FOUR_STEPS, spec, studies } from './helpers';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await box.cleanup();
});

jest.setTimeout(120000);

it('reruns only the step that uses the tuned parameter', async () => {
  box.write('four.ipynb', FOUR_STEPS());
  const { manager, engine } = studies(box);
  const study = await manager.wait((await manager.create({
    notebook: { path: 'four.ipynb' },
    spec: spec({
      parameters: [{ name: 'alpha', type: 'double', min: 0.001, max: 0.1, log: true }],
      objective: { metric: 'loss', direction: 'minimize' },
      algorithm: 'random',
      budget: { maxTrials: 4, parallelTrials: 1, maxFailedTrials: 0 }
    })
  })).id);
  expect(study.state).toBe('succeeded');
  const cached = study.trials.map(t => engine.get(t.run!)!.tasks.map(task => [task.name, task.cached]));
  expect(cached[0]).toEqual([['load', false], ['clean', false], ['features', false], ['fit', false], ['pipeline-metrics', false]]);
  for (const later of cached.slice(1)) {
    expect(later).toEqual([['load', true], ['clean', true], ['features', true], ['fit', false], ['pipeline-metrics', false]]);
  }
  // The hits point at trial 0's tasks, which really ran.
  const first = study.trials[0].run;
  for (const t of study.trials.slice(1)) {
    expect(engine.get(t.run!)!.tasks.find(task => task.name === 'clean')!.cachedFrom).toEqual({ run: first, task: 'clean' });
  }
});
