/**
 * Katib studies in the Tune view: a Kubeflow submit follows the returned
 * study live, a reconnect refetches it, Katib's words are shown, and its
 * trials (no local run) do not open anything.
 */
import { NotebookModel } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { StudyRecord, StudyWithTrials, TrialRecord } from '../../core/src/tuning';
import { PipelineModel } from '../pipeline/model';
import { TuneModel } from '../panels/tune/model';
import { canOpen, katibText, stateText, TrialTable, trialTitle } from '../panels/tune/trials';

const trans = nullTranslator.load('jupyterlab_kubeflow');

const katibTrial = (number: number, condition: string, state: TrialRecord['state'], objective: number | null): TrialRecord => ({
  number, name: `nb-abc12-t${number}`, condition, state, parameters: { x: 0.5 + number },
  metrics: objective === null ? null : { score: objective }, objective, run: null,
  startedAt: 1000, finishedAt: state === 'running' ? null : 3000, durationMs: state === 'running' ? null : 2000, error: null
});

const katibStudy = (trials: TrialRecord[], condition: string | null = 'Running'): StudyWithTrials => ({
  id: 'k1', notebook: 'nb.ipynb', pipeline: 'nb', target: 'kubeflow', namespace: 'alice', experiment: 'nb-abc12',
  spec: { parameters: [{ name: 'x', type: 'double', min: 0, max: 2 }], objective: { metric: 'score', direction: 'maximize' }, algorithm: 'random', budget: { maxTrials: 3, parallelTrials: 1, maxFailedTrials: 0 } },
  state: 'running', reason: null, error: null, user: 'alice', createdAt: 5, finishedAt: null,
  counts: { trials: trials.length, succeeded: 0, failed: 0, running: trials.length, retried: 0 }, best: null,
  katib: {
    condition, reason: condition ? 'ExperimentRunning' : null, message: null, optimalTrial: null,
    counts: { trials: 1, succeeded: 0, failed: 0, running: 1, pending: 0, earlyStopped: 0, metricsUnavailable: 0, killed: 0 },
    maxTrialCount: 3
  },
  trials
});

function setup() {
  const nb = new NotebookModel();
  nb.sharedModel.insertCells(0, [
    { cell_type: 'code', source: 'x = 0.5', metadata: { kubeflow: { role: 'parameters' } } },
    { cell_type: 'code', source: 'score = x', metadata: { kubeflow: { step: 'f' } } },
    { cell_type: 'code', source: 'score', metadata: { kubeflow: { role: 'metrics' } } }
  ]);
  const pipeline = new PipelineModel(nb, { defaultName: () => 'nb', debounce: 10 });
  let stored = katibStudy([katibTrial(0, 'Created', 'running', null)]);
  const client = {
    start: jest.fn(),
    startKatib: jest.fn(async (_p: string, _s: unknown, dryRun: boolean) => ({
      target: 'kubeflow' as const, namespace: 'alice', experiment: { kind: 'Experiment', metadata: { name: 'nb-abc12' } }, problems: [],
      created: !dryRun, ...(dryRun ? {} : { study: stored })
    })),
    list: jest.fn(async () => [stored]),
    get: jest.fn(async () => stored),
    stop: jest.fn(),
    resume: jest.fn()
  };
  const event = new Signal<unknown, any>({});
  const stateChanged = new Signal<unknown, any>({});
  const model = new TuneModel({
    path: 'nb.ipynb', pipeline, client: client as any,
    connection: { event, stateChanged, state: { status: 'connected' } } as any,
    identity: { state: { kubeflow: true, reason: null } as any, changed: new Signal<unknown, any>({}) },
    defaults: { value: { target: 'kubeflow', experiment: '' } },
    save: async () => undefined
  });
  return { model, client, event, stateChanged, setStored: (s: StudyWithTrials) => (stored = s) };
}

const tick = () => new Promise(r => setTimeout(r, 0));

describe('Katib studies in the Tune view', () => {
  it('follows the study a Kubeflow submit returns, live from study and trial events', async () => {
    const { model, client, event } = setup();
    model.edit(d => d.setBound('x', 'max', '2'));
    await model.start();
    await model.submit();
    expect(client.get).not.toHaveBeenCalled();
    expect(model.study?.id).toBe('k1');
    expect(model.studies.map(s => [s.id, s.target, s.namespace, s.experiment])).toEqual([['k1', 'kubeflow', 'alice', 'nb-abc12']]);
    expect(model.study?.trials.map(t => [t.number, t.name, t.condition, t.state])).toEqual([[0, 'nb-abc12-t0', 'Created', 'running']]);
    event.emit({ type: 'trial', study: 'k1', notebook: 'nb.ipynb', trial: katibTrial(0, 'Succeeded', 'succeeded', 0.7) });
    event.emit({ type: 'trial', study: 'k1', notebook: 'nb.ipynb', trial: katibTrial(1, 'Running', 'running', null) });
    const { trials: _t, ...record } = katibStudy([], 'Succeeded');
    event.emit({ type: 'study', study: { ...record, state: 'succeeded', reason: 'maxTrials', katib: { ...record.katib!, reason: 'ExperimentMaxTrialsReached', optimalTrial: 'nb-abc12-t0' } } });
    expect(model.study?.trials.map(t => [t.number, t.state, t.objective])).toEqual([[0, 'succeeded', 0.7], [1, 'running', null]]);
    expect(model.study?.best?.number).toBe(0);
    expect(model.study?.record.state).toBe('succeeded');
    expect(katibText(model.study!.record, trans)).toBe(
      'Katib Experiment nb-abc12 in namespace alice · Katib: Succeeded (ExperimentMaxTrialsReached) · 1 of at most 3 trials: 0 succeeded, 0 failed, 1 running, 0 pending · optimal trial nb-abc12-t0'
    );
  });

  it('refetches GET /api/studies/:id when the socket (re)connects: events missed meanwhile come from the store', async () => {
    const { model, client, stateChanged, setStored } = setup();
    await model.load();
    expect(client.get).toHaveBeenCalledTimes(1);
    setStored(katibStudy([katibTrial(0, 'Succeeded', 'succeeded', 0.9), katibTrial(1, 'Killed', 'cancelled', null)], 'Running'));
    stateChanged.emit({ status: 'reconnecting' });
    expect(client.get).toHaveBeenCalledTimes(1);
    stateChanged.emit({ status: 'connected' });
    await tick();
    await tick();
    expect(client.get.mock.calls).toEqual([['k1'], ['k1']]);
    expect(model.study?.trials.map(t => [t.number, t.state, stateText(t)])).toEqual([[0, 'succeeded', 'succeeded'], [1, 'cancelled', 'cancelled (Killed)']]);
  });

  it('Katib trials open nothing: no click handler, the tooltip says they ran on Kubeflow', () => {
    const katib = katibTrial(2, 'Created', 'running', null);
    const local: TrialRecord = { ...katibTrial(3, '', 'succeeded', 0.5), name: undefined, condition: undefined, run: 'r3' };
    expect([canOpen(katib), canOpen(local)]).toEqual([false, true]);
    expect(trialTitle(katib, trans)).toBe('Trial nb-abc12-t2 ran on Kubeflow (Katib): there is no local run to open');
    expect(trialTitle(local, trans)).toBe('Open run r3');
    expect(stateText(katib)).toBe('running (Created)');
    const opened: number[] = [];
    const html = renderToStaticMarkup(
      React.createElement(TrialTable, {
        trials: [katib, local], parameters: ['x'], objective: 'score', metrics: ['score'], sort: { key: 'number', ascending: true },
        best: 3, onSort: () => undefined, onOpen: t => opened.push(t.number), trans
      })
    );
    expect(html).toContain('<tr data-trial="2" data-state="running" data-trial-name="nb-abc12-t2" title="Trial nb-abc12-t2 ran on Kubeflow (Katib): there is no local run to open" aria-disabled="true">');
    expect(html).toContain('<tr data-trial="3" data-state="succeeded" class="jp-mod-best jp-mod-openable" title="Open run r3" tabindex="0">');
    expect(html).toContain('<span class="jp-KubeflowTune-state jp-mod-running" data-condition="Created">running (Created)</span>');
  });

  it('a study without Katib status yet says so', () => {
    const { katib: _k, trials: _t, ...bare } = katibStudy([]);
    expect(katibText(bare as StudyRecord, trans)).toBe('Katib Experiment nb-abc12 in namespace alice · no status from Katib yet');
  });
});
