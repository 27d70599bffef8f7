/**
 * Local studies end to end: Optuna (real, in the venv's Python) asks, the
 * local engine runs each trial, the study stops at its budget; grid covers
 * its grid exactly; failures count against maxFailedTrials; stop and resume.
 */
import { code, notebook, Sandbox, sandbox, until } from '../engine/helpers';
import type { StudyEvent } from '../../src/tuning/types';
import { QUADRATIC, spec, studies } from './helpers';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(async () => {
  await box.cleanup();
});

jest.setTimeout(180000);

it('TPE, seeded, gets within 0.5 of the optimum of a known function in 40 trials', async () => {
  box.write('quad.ipynb', QUADRATIC);
  const { manager, engine } = studies(box);
  const events: StudyEvent[] = [];
  manager.onEvent(e => events.push(e));
  const started = await manager.create({
    notebook: { path: 'quad.ipynb' },
    spec: spec({ budget: { maxTrials: 40, parallelTrials: 4, maxFailedTrials: 0 }, seed: 7 })
  });
  expect(started.state).toBe('running');
  const study = await manager.wait(started.id);
  expect(study.state).toBe('succeeded');
  expect(study.reason).toBe('maxTrials');
  expect(study.counts).toEqual({ trials: 40, succeeded: 40, failed: 0, running: 0, retried: 0 });
  // The optimum is 0 at (2, -1): best >= -0.5 means within ~0.7 of it.
  expect(study.best!.objective).toBeGreaterThan(-0.5);
  expect(study.best!.parameters.x as number).toBeCloseTo(2, 0);
  expect(study.best!.parameters.y as number).toBeCloseTo(-1, 0);
  // Each trial is an ordinary run that reported the metric Optuna was told.
  for (const trial of study.trials) {
    const run = engine.get(trial.run!)!;
    expect(run.parameters).toEqual(trial.parameters);
    expect(run.metrics).toEqual({ score: trial.objective });
    expect(trial.durationMs).toBeGreaterThan(0);
  }
  // A trial event when each started and when it finished, a study event each time.
  expect(events.filter(e => e.type === 'trial' && e.trial.state === 'running')).toHaveLength(40);
  expect(events.filter(e => e.type === 'trial' && e.trial.state === 'succeeded')).toHaveLength(40);
  const last = events.filter(e => e.type === 'study').pop() as Extract<StudyEvent, { type: 'study' }>;
  expect(last.study.state).toBe('succeeded');
  expect(last.study.best).toEqual(study.best);
});

it('grid enumerates exactly the grid, each point once', async () => {
  box.write('quad.ipynb', QUADRATIC);
  const { manager } = studies(box);
  const study = await manager.wait((await manager.create({
    notebook: { path: 'quad.ipynb' },
    spec: spec({
      algorithm: 'grid',
      parameters: [
        { name: 'x', type: 'double', min: 1, max: 3, step: 1 },
        { name: 'y', type: 'discrete', list: [-1, 0.5] }
      ],
      budget: { maxTrials: 6, parallelTrials: 2, maxFailedTrials: 0 }
    })
  })).id);
  expect(study.state).toBe('succeeded');
  const points = study.trials.map(t => [t.parameters.x, t.parameters.y]).sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  expect(points).toEqual([[1, -1], [1, 0.5], [2, -1], [2, 0.5], [3, -1], [3, 0.5]]);
  expect(study.best!.parameters).toEqual({ x: 2, y: -1 });
  expect(study.best!.objective).toBeCloseTo(0, 10);
});

it('counts failed trials against maxFailedTrials and fails the study past it', async () => {
  // Fails whenever x > 0: grid order is Optuna's, so count rather than order.
  box.write('flaky.ipynb', notebook([
    code('x = 0', { role: 'parameters' }),
    code('if x > 0:\n    raise ValueError("x too big")\nscore = x', { step: 'train' }),
    code('score', { role: 'metrics' })
  ]));
  const { manager } = studies(box);
  const study = await manager.wait((await manager.create({
    notebook: { path: 'flaky.ipynb' },
    spec: spec({
      algorithm: 'grid',
      parameters: [{ name: 'x', type: 'int', min: -3, max: 2 }],
      budget: { maxTrials: 6, parallelTrials: 1, maxFailedTrials: 1 }
    })
  })).id);
  expect(study.state).toBe('failed');
  expect(study.reason).toBe('maxFailedTrials');
  expect(study.error).toBe('2 trials failed (maxFailedTrials is 1)');
  expect(study.counts.failed).toBe(2);
  // It stopped asking at the second failure.
  expect(study.trials[study.trials.length - 1].state).toBe('failed');
  const failed = study.trials.filter(t => t.state === 'failed');
  expect(failed.map(t => (t.parameters.x as number) > 0)).toEqual([true, true]);
  expect(failed[0].error).toBe('the run failed: task train: step \'train\' failed in cell 1: ValueError: x too big');
  expect(study.trials.filter(t => t.state === 'succeeded').every(t => (t.parameters.x as number) <= 0)).toBe(true);
});

it('stops (cancelling the running trials) and resumes, retrying the cancelled points', async () => {
  box.write('slow.ipynb', notebook([
    code('x = 0.0\ny = 0.0', { role: 'parameters' }),
    code('import time\ntime.sleep(1.5)\nscore = -(x - 2) ** 2 - (y + 1) ** 2', { step: 'train' }),
    code('score', { role: 'metrics' })
  ]));
  const { manager } = studies(box);
  const { id } = await manager.create({ notebook: { path: 'slow.ipynb' }, spec: spec({ budget: { maxTrials: 3, parallelTrials: 2, maxFailedTrials: 0 } }) });
  await until(() => manager.get(id)!.counts.running === 2);
  const stopped = await manager.stop(id);
  expect(stopped.state).toBe('stopped');
  expect(stopped.reason).toBe('stopped');
  expect(stopped.trials.map(t => t.state)).toEqual(['cancelled', 'cancelled']);
  await expect(manager.stop(id)).rejects.toThrow(`study ${id} is already stopped`);

  const resumed = await manager.resume(id);
  expect(resumed.state).toBe('running');
  const done = await manager.wait(id);
  expect(done.state).toBe('succeeded');
  expect(done.counts).toEqual({ trials: 5, succeeded: 3, failed: 0, running: 0, retried: 2 });
  // The first two trials after the resume are the cancelled points again.
  const retried = done.trials.slice(2, 4).map(t => t.parameters);
  expect(retried).toEqual(expect.arrayContaining(stopped.trials.map(t => t.parameters)));
  await expect(manager.resume(id)).rejects.toThrow('only a stopped study resumes');
});

it('refuses a spec that does not fit the pipeline, naming the field', async () => {
  box.write('quad.ipynb', QUADRATIC);
  const { manager } = studies(box);
  await expect(manager.create({ notebook: { path: 'quad.ipynb' }, spec: spec({ objective: { metric: 'accuracy', direction: 'maximize' } }) }))
    .rejects.toMatchObject({ status: 400, field: 'spec.objective.metric', message: 'accuracy is not a metric: the metrics cell reports score' });
  await expect(manager.create({ notebook: { path: 'quad.ipynb' }, spec: spec({ parameters: [{ name: 'z', type: 'double', min: 0, max: 1 }] }) }))
    .rejects.toMatchObject({ status: 400, field: 'spec.parameters.z' });
  expect(manager.list()).toEqual([]);
});
