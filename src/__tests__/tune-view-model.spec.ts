/** The Tune model on a real NotebookModel: saving only valid studies, Katib preview then submit, live events. */
import { NotebookModel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import type { StudyRecord, StudyWithTrials } from '../../core/src/tuning';
import { PipelineModel } from '../pipeline/model';
import { TuneModel } from '../panels/tune/model';

function notebook(): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { cell_type: 'code', source: 'x = 0.5\ny = 2', metadata: { kubeflow: { role: 'parameters' } } },
    { cell_type: 'code', source: 'score = -(x - 1) ** 2 - y', metadata: { kubeflow: { step: 'f' } } },
    { cell_type: 'code', source: 'score', metadata: { kubeflow: { role: 'metrics' } } }
  ]);
  return model;
}

const studyOf = (id: string, state: StudyRecord['state'], createdAt: number): StudyWithTrials => ({
  id, notebook: 'nb.ipynb', pipeline: 'nb', target: 'local',
  spec: { parameters: [], objective: { metric: 'score', direction: 'maximize' }, algorithm: 'random', budget: { maxTrials: 2, parallelTrials: 1, maxFailedTrials: 0 } },
  state, reason: null, error: null, user: null, createdAt, finishedAt: null,
  counts: { trials: 0, succeeded: 0, failed: 0, running: 0, retried: 0 }, best: null, trials: []
});

function setup(kubeflow = true) {
  const nb = notebook();
  const pipeline = new PipelineModel(nb, { defaultName: () => 'nb', debounce: 10 });
  const calls: unknown[][] = [];
  const client = {
    start: jest.fn(async () => studyOf('s2', 'running', 2)),
    startKatib: jest.fn(async (...args: unknown[]) => {
      calls.push(args);
      return { target: 'kubeflow' as const, namespace: 'alice', experiment: { kind: 'Experiment', metadata: { name: 'nb-abc12' } }, problems: [], created: !args[2] };
    }),
    list: jest.fn(async () => [studyOf('s1', 'succeeded', 1)]),
    get: jest.fn(async (id: string) => studyOf(id, id === 's1' ? 'succeeded' : 'running', id === 's1' ? 1 : 2)),
    stop: jest.fn(),
    resume: jest.fn()
  };
  const event = new Signal<unknown, any>({});
  const saved: number[] = [];
  const model = new TuneModel({
    path: 'nb.ipynb',
    pipeline,
    client: client as any,
    connection: { event, stateChanged: new Signal<unknown, any>({}), state: { status: 'connected' } } as any,
    identity: { state: { kubeflow, reason: kubeflow ? null : 'no KFP endpoint' } as any, changed: new Signal<unknown, any>({}) },
    defaults: { value: { target: 'kubeflow', experiment: '' } },
    save: async () => void saved.push(1)
  });
  return { nb, model, client, calls, event, saved };
}

describe('TuneModel', () => {
  it('writes kubeflow.tuning only while the study is valid', () => {
    const { nb, model } = setup();
    expect(nb.getMetadata('kubeflow')).toBeUndefined();
    model.edit(d => d.setBound('x', 'max', '0.01'));
    expect(nb.getMetadata('kubeflow')).toBeUndefined();
    expect(model.problems.map(p => p.field)).toEqual(['parameters.x.max']);
    model.edit(d => d.setBound('x', 'max', '2'));
    expect(nb.getMetadata('kubeflow').tuning.parameters[0]).toEqual({ name: 'x', type: 'double', min: 0.05, max: 2, log: true, default: 0.5 });
  });

  it('Kubeflow: shows the Experiment first, then submits it under the same name; unavailable falls back to local', async () => {
    const { model, calls, saved } = setup();
    expect(model.target).toBe('kubeflow');
    await model.start();
    expect(saved).toEqual([1]);
    expect(model.preview?.name).toBe('nb-abc12');
    expect(model.preview?.yaml).toBe('kind: Experiment\nmetadata:\n  name: nb-abc12\n');
    await model.submit();
    expect(calls.map(c => [c[2], c[3]])).toEqual([[true, undefined], [false, 'nb-abc12']]);
    expect(model.preview).toBeNull();
    expect(model.message).toEqual({ kind: 'info', text: 'Katib Experiment nb-abc12 created in alice' });
    expect(setup(false).model.target).toBe('local');
  });

  it('shows the newest study, follows a new running one and its trials', async () => {
    const { model, event } = setup();
    await model.load();
    expect(model.study?.id).toBe('s1');
    event.emit({ type: 'study', study: { ...studyOf('s3', 'running', 3), trials: undefined } });
    await new Promise(r => setTimeout(r, 0));
    expect(model.study?.id).toBe('s3');
    expect(model.studies.map(s => s.id)).toEqual(['s3', 's1']);
    event.emit({ type: 'trial', study: 's3', notebook: 'nb.ipynb', trial: { number: 0, state: 'running', parameters: { x: 1 }, metrics: null, objective: null, run: 'r0', startedAt: 5, finishedAt: null, durationMs: null, error: null } });
    expect(model.study?.trials.map(t => [t.number, t.run])).toEqual([[0, 'r0']]);
  });
});
