import type { StudyRecord, StudyWithTrials, TrialRecord } from '../../core/src/tuning';
import { bestTrial, objectiveSeries, parallelCoordinates, sortTrials } from '../panels/tune/series';
import { StudyModel } from '../panels/tune/study-model';

const trial = (number: number, lr: number, opt: string, objective: number | null, state: TrialRecord['state'] = 'succeeded'): TrialRecord => ({
  number,
  state,
  parameters: { lr, opt },
  metrics: objective === null ? null : { accuracy: objective, loss: 1 - objective },
  objective,
  run: `run-${number}`,
  startedAt: 1000 * number,
  finishedAt: state === 'running' ? null : 1000 * number + 500 + number,
  durationMs: state === 'running' ? null : 500 + number,
  error: null
});

const record = (state: StudyRecord['state'] = 'running'): StudyRecord => ({
  id: 's1',
  notebook: 'nb.ipynb',
  pipeline: 'nb',
  target: 'local',
  spec: {
    parameters: [
      { name: 'lr', type: 'double', min: 0.001, max: 0.1, log: true },
      { name: 'opt', type: 'categorical', list: ['adam', 'sgd'] }
    ],
    objective: { metric: 'accuracy', direction: 'maximize' },
    algorithm: 'tpe',
    budget: { maxTrials: 4, parallelTrials: 1, maxFailedTrials: 1 }
  },
  state,
  reason: null,
  error: null,
  user: null,
  createdAt: 1,
  finishedAt: null,
  counts: { trials: 0, succeeded: 0, failed: 0, running: 0, retried: 0 },
  best: null
});

const study = (trials: TrialRecord[]): StudyWithTrials => ({ ...record(), trials });

describe('StudyModel', () => {
  it('follows study and trial events of its own study only', () => {
    const model = new StudyModel(study([trial(0, 0.01, 'adam', 0.5)]));
    let changes = 0;
    model.changed.connect(() => changes++);
    model.onTrial('s1', trial(1, 0.02, 'sgd', null, 'running'));
    model.onTrial('other', trial(5, 0.02, 'sgd', 0.99));
    expect(model.trials.map(t => [t.number, t.state])).toEqual([[0, 'succeeded'], [1, 'running']]);
    model.onTrial('s1', trial(1, 0.02, 'sgd', 0.8));
    expect(model.trials.map(t => [t.number, t.state, t.objective])).toEqual([[0, 'succeeded', 0.5], [1, 'succeeded', 0.8]]);
    expect(model.best?.number).toBe(1);
    model.onStudy({ ...record('succeeded'), reason: 'maxTrials' });
    model.onStudy({ ...record('failed'), id: 'other' });
    expect([model.record.state, model.record.reason]).toEqual(['succeeded', 'maxTrials']);
    expect(changes).toBe(3);
  });

  it('sorts by a column; again flips; missing values last', () => {
    const model = new StudyModel(study([trial(0, 0.05, 'adam', 0.5), trial(1, 0.01, 'sgd', 0.9), trial(2, 0.02, 'adam', null, 'running')]));
    model.sortBy('objective');
    expect(model.sorted.map(t => t.number)).toEqual([0, 1, 2]);
    model.sortBy('objective');
    expect(model.sort).toEqual({ key: 'objective', ascending: false });
    expect(model.sorted.map(t => t.number)).toEqual([1, 0, 2]);
    model.sortBy('param:lr');
    expect(model.sorted.map(t => t.number)).toEqual([1, 2, 0]);
    model.sortBy('param:opt');
    expect(model.sorted.map(t => t.number)).toEqual([0, 2, 1]);
    expect(sortTrials(model.trials, { key: 'metric:loss', ascending: true }).map(t => t.number)).toEqual([1, 0, 2]);
    expect(sortTrials(model.trials, { key: 'duration', ascending: false }).map(t => t.number)).toEqual([1, 0, 2]);
  });
});

describe('series', () => {
  const trials = [trial(0, 0.01, 'adam', 0.5), trial(1, 0.1, 'sgd', 0.3), trial(2, 0.001, 'adam', null, 'failed'), trial(3, 0.05, 'sgd', 0.7), trial(4, 0.02, 'adam', 0.6)];

  it('best-so-far follows the direction and skips unfinished trials', () => {
    expect(objectiveSeries(trials, 'maximize')).toEqual([
      { trial: 0, value: 0.5, best: 0.5 },
      { trial: 1, value: 0.3, best: 0.5 },
      { trial: 3, value: 0.7, best: 0.7 },
      { trial: 4, value: 0.6, best: 0.7 }
    ]);
    expect(objectiveSeries(trials, 'minimize').map(p => p.best)).toEqual([0.5, 0.3, 0.3, 0.3]);
    expect(bestTrial(trials, 'maximize')?.number).toBe(3);
    expect(bestTrial(trials, 'minimize')?.number).toBe(1);
    expect(bestTrial([], 'minimize')).toBeNull();
  });

  it('parallel coordinates: log range, categories spread, objective by the values seen', () => {
    const data = parallelCoordinates(trials, record().spec.parameters, 'accuracy');
    expect(data.axes.map(a => [a.name, a.labels])).toEqual([
      ['lr', ['0.001', '0.1']],
      ['opt', ['adam', 'sgd']],
      ['accuracy', ['0.3', '0.7']]
    ]);
    const round = (ys: number[]) => ys.map(y => Number(y.toFixed(4)));
    expect(data.lines.map(l => [l.trial, round(l.ys)])).toEqual([
      [0, [0.5, 0, 0.5]],
      [1, [1, 1, 0]],
      [3, [0.8495, 1, 1]],
      [4, [0.6505, 0, 0.75]]
    ]);
  });
});
