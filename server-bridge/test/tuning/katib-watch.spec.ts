/**
 * Katib studies in the store and on the socket (tuning/katib-watch.ts): the
 * watches are a recording stand-in (StartWatch) that the test drives with
 * Experiment and Trial objects; the real list+watch against a kube-apiserver
 * is tests/cluster/test_katib_study.py's.
 */
import { createLogger } from '../../src/log';
import type { KubeObject } from '../../src/kube/objects';
import type { StartWatch } from '../../src/kube/watch';
import { KatibWatches } from '../../src/tuning/katib-watch';
import type { StudyEvent } from '../../src/tuning/types';
import { Sandbox, sandbox } from '../engine/helpers';
import { spec, studies } from './helpers';

let box: Sandbox;
let watches: KatibWatches;
let sent: { event: StudyEvent; users: string[] }[];
let patches: { user: string; name: string; ops: unknown[] }[];
let started: { path: string; params: any; onEvent: (phase: string, o: KubeObject) => void; aborted: boolean }[];

const fakeWatch: StartWatch = async (_config, path, params, onEvent) => {
  const w = { path, params, onEvent, aborted: false };
  started.push(w);
  const abort = new AbortController();
  abort.signal.addEventListener('abort', () => (w.aborted = true));
  return abort;
};

const KUBE = { forUser: async (user: string) => ({ identity: { user, namespace: 'team-a', serviceAccount: 'default-editor', mode: 'shared' as const }, config: {} as never }) };
const cond = (type: string, more: object = {}) => ({ type, status: 'True', lastTransitionTime: '2026-01-01T00:00:10Z', ...more });

beforeEach(() => {
  box = sandbox();
  sent = [];
  patches = [];
  started = [];
  const { manager } = studies(box);
  watches = new KatibWatches(
    manager.store, KUBE,
    async (user, name, ops) => {
      patches.push({ user, name, ops });
      return { apiVersion: 'kubeflow.org/v1beta1', kind: 'Experiment', metadata: { name } };
    },
    (event, users) => sent.push({ event, users: [...users] }),
    createLogger(() => undefined), fakeWatch
  );
});
afterEach(async () => {
  watches.close();
  await box.cleanup();
});

const flush = () => new Promise(resolve => setImmediate(resolve));
const EXP = { apiVersion: 'kubeflow.org/v1beta1', kind: 'Experiment', metadata: { name: 'quad-1a2b', namespace: 'team-a', resourceVersion: '1' }, spec: { maxTrialCount: 4 } };
const trialObj = (name: string, x: string, conditions: object[], accuracy?: string): KubeObject => ({
  apiVersion: 'kubeflow.org/v1beta1', kind: 'Trial',
  metadata: { name, namespace: 'team-a', resourceVersion: '2', labels: { 'katib.kubeflow.org/experiment': 'quad-1a2b' } },
  spec: { parameterAssignments: [{ name: 'x', value: x }, { name: 'y', value: '-1' }] },
  status: { startTime: '2026-01-01T00:00:00Z', conditions, ...(accuracy ? { observation: { metrics: [{ name: 'score', latest: accuracy }] } } : {}) }
});

async function recorded() {
  const study = watches.record({ user: 'alice', notebook: 'quad.ipynb', pipeline: 'quad', spec: spec({}), namespace: 'team-a', experiment: EXP as KubeObject, ir: {} });
  await flush();
  return study;
}

it('records the Experiment as a kubeflow study and watches it and its Trials as the user', async () => {
  const study = await recorded();
  expect(study).toMatchObject({
    target: 'kubeflow', namespace: 'team-a', experiment: 'quad-1a2b', notebook: 'quad.ipynb', state: 'running', user: 'alice', trials: [],
    katib: { condition: null, maxTrialCount: 4 }
  });
  expect(started.map(w => [w.path, w.params.fieldSelector ?? w.params.labelSelector])).toEqual([
    ['/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments', 'metadata.name=quad-1a2b'],
    ['/apis/kubeflow.org/v1beta1/namespaces/team-a/trials', 'katib.kubeflow.org/experiment=quad-1a2b']
  ]);
  expect(sent).toEqual([{ event: { type: 'study', study: expect.objectContaining({ id: study.id }) }, users: ['alice'] }]);
});

it('turns Trial and Experiment changes into stored trials and events for the user only', async () => {
  const study = await recorded();
  const [exp, trials] = started;
  trials.onEvent('ADDED', trialObj('quad-1a2b-aaa', '1.5', [cond('Running')]));
  trials.onEvent('MODIFIED', trialObj('quad-1a2b-aaa', '1.5', [cond('Succeeded')], '-0.25'));
  trials.onEvent('ADDED', trialObj('quad-1a2b-bbb', '3', [cond('Failed', { message: 'Job failed' })]));
  exp.onEvent('MODIFIED', { ...EXP, status: { conditions: [cond('Running')], trials: 2, trialsSucceeded: 1, trialsFailed: 1, currentOptimalTrial: { bestTrialName: 'quad-1a2b-aaa' } } } as never);
  const trialEvents = sent.filter(s => s.event.type === 'trial').map(s => [(s.event as any).trial.number, (s.event as any).trial.state, s.users]);
  expect(trialEvents).toEqual([[0, 'running', ['alice']], [0, 'succeeded', ['alice']], [1, 'failed', ['alice']]]);
  expect(sent.every(s => s.users.join() === 'alice')).toBe(true);
  const got = watches['store'].getStudy(study.id)!;
  expect(got.trials).toEqual([
    {
      number: 0, name: 'quad-1a2b-aaa', condition: 'Succeeded', state: 'succeeded', parameters: { x: 1.5, y: -1 },
      metrics: { score: -0.25 }, objective: -0.25, run: null, startedAt: Date.parse('2026-01-01T00:00:00Z'),
      finishedAt: Date.parse('2026-01-01T00:00:10Z'), durationMs: 10000, error: null
    },
    expect.objectContaining({ number: 1, name: 'quad-1a2b-bbb', state: 'failed', error: 'the trial failed: Job failed' })
  ]);
  expect(got.counts).toEqual({ trials: 2, succeeded: 1, failed: 1, running: 0, retried: 0 });
  expect(got.best).toEqual({ trial: 0, parameters: { x: 1.5, y: -1 }, metrics: { score: -0.25 }, objective: -0.25 });
  expect(got.katib).toMatchObject({ condition: 'Running', optimalTrial: 'quad-1a2b-aaa', counts: { trials: 2, succeeded: 1, failed: 1 } });
});

it('stops by lowering maxTrialCount to the trials created, and shows Katib\'s end as stopped', async () => {
  const study = await recorded();
  const [exp, trials] = started;
  trials.onEvent('ADDED', trialObj('quad-1a2b-aaa', '1.5', [cond('Running')]));
  exp.onEvent('MODIFIED', { ...EXP, status: { conditions: [cond('Running')], trials: 2 } } as never);
  const stopped = await watches.stop(study.id, 'alice');
  expect(patches).toEqual([{ user: 'alice', name: 'quad-1a2b', ops: [{ op: 'replace', path: '/spec/maxTrialCount', value: 2 }] }]);
  expect(stopped).toMatchObject({ state: 'stopped', reason: 'stopped', finishedAt: null, katib: { maxTrialCount: 2 } });
  await expect(watches.stop(study.id, 'alice')).rejects.toMatchObject({ status: 409 });
  await expect(watches.stop(study.id, 'bob')).rejects.toMatchObject({ status: 404 });
  exp.onEvent('MODIFIED', { ...EXP, status: { conditions: [cond('Succeeded', { reason: 'ExperimentMaxTrialsReached' })], trials: 1 } } as never);
  expect(watches['store'].getStudy(study.id)).toMatchObject({ state: 'stopped', reason: 'stopped', finishedAt: Date.parse('2026-01-01T00:00:10Z') });
  await expect(watches.resume(study.id, 'alice')).rejects.toMatchObject({ status: 409 });
  // The last running trial finishes: the watches end.
  trials.onEvent('MODIFIED', trialObj('quad-1a2b-aaa', '1.5', [cond('Succeeded')], '-0.25'));
  expect(started.every(w => w.aborted)).toBe(true);
});

it('resumes a stopped study Katib has not finished by restoring maxTrialCount', async () => {
  const study = await recorded();
  await watches.stop(study.id, 'alice');
  expect(patches[0].ops).toEqual([{ op: 'replace', path: '/spec/maxTrialCount', value: 1 }]);
  const resumed = await watches.resume(study.id, 'alice');
  expect(patches[1].ops).toEqual([{ op: 'replace', path: '/spec/maxTrialCount', value: 4 }]);
  expect(resumed).toMatchObject({ state: 'running', reason: null, katib: { maxTrialCount: 4 } });
});

it('watches unfinished Katib studies again after a restart', async () => {
  const study = await recorded();
  watches.close();
  started = [];
  expect(watches.resumeAll()).toEqual([study.id]);
  await flush();
  expect(started).toHaveLength(2);
});
