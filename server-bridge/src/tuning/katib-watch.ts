/**
 * Katib studies after creation: recorded in the studies store (so
 * `GET /api/studies` lists them beside local ones, same shape), their
 * Experiment and its Trials watched with the study's user's token, and
 * every change stored, then sent as `{type:'study'}` / `{type:'trial'}`
 * events to that user only (Katib objects live in the user's namespace:
 * other users' sockets must not hear of them).
 *
 * Stop: Katib has no stop. Of an Experiment's spec only maxTrialCount,
 * parallelTrialCount and maxFailedTrialCount may change; lowering
 * maxTrialCount to the number of trials Katib already created (at least 1:
 * Katib's webhook refuses 0) makes it create no more, lets the running ones
 * finish (no work is thrown away, unlike lowering parallelTrialCount, which
 * kills trials) and end as MaxTrialsReached, which we show as `stopped`.
 * Resume puts the study's maxTrials back, while Katib has not finished the
 * Experiment (it is created with resumePolicy Never, so a finished one does
 * not restart: start a new study then).
 */
import { newRunId } from '../engines/local/engine';
import { EngineError } from '../engines/local/types';
import type { ScopedKube } from '../identity/scoped';
import { EXPERIMENT, KubeObject, ObjectKind } from '../kube/objects';
import { ListWatch, WatchPhase } from '../kube/list-watch';
import type { StartWatch } from '../kube/watch';
import type { Logger } from '../log';
import type { StudySpec } from '../../../core/src/tuning/spec';
import { experimentStatus, studyState, trialView } from './katib-status';
import { countsOf, StudyStore } from './store';
import type { StudyEvent, StudyWithTrials } from './types';

export const TRIAL: ObjectKind = {
  kind: 'Trial',
  apiVersion: 'kubeflow.org/v1beta1',
  group: 'kubeflow.org',
  version: 'v1beta1',
  plural: 'trials'
};

export const EXPERIMENT_LABEL = 'katib.kubeflow.org/experiment';

/** Deliver `event` to these users' sockets only. */
export type StudyPublish = (event: StudyEvent, users: ReadonlySet<string>) => void;

/** A JSON Patch on the user's Experiment, as the user (kube/objects.ts in the bridge). */
export type PatchExperiment = (user: string, name: string, ops: unknown[]) => Promise<KubeObject>;

export interface KatibRecordRequest {
  user: string;
  notebook: string | null;
  pipeline: string;
  spec: StudySpec;
  namespace: string;
  /** The Experiment as the API server answered the create. */
  experiment: KubeObject;
  /** The compiled pipeline the trials run (kept like a local study's). */
  ir: object;
}

export class KatibWatches {
  private watches = new Map<string, ListWatch[]>();

  constructor(
    private store: StudyStore,
    private kube: ScopedKube,
    private patchExperiment: PatchExperiment,
    private publish: StudyPublish,
    private log: Logger,
    private startWatch?: StartWatch
  ) {}

  /** Records a created Experiment as a study and starts watching it. */
  record(request: KatibRecordRequest): StudyWithTrials {
    const { experiment } = request;
    const name = experiment.metadata.name;
    // A fresh id even if an older study followed an Experiment of this name: the
    // create succeeded, so that one was deleted and this is another Experiment.
    const id = newRunId();
    const state = studyState(experiment, false);
    this.store.insertKatibStudy(
      {
        id, notebook: request.notebook, pipeline: request.pipeline, target: 'kubeflow', spec: request.spec,
        state: state.state, reason: state.reason, error: state.error, user: request.user, createdAt: Date.now(),
        finishedAt: state.finishedAt, counts: countsOf([]), best: null,
        namespace: request.namespace, experiment: name, katib: experimentStatus(experiment)
      },
      request.ir
    );
    this.follow(id);
    this.emitStudy(id);
    return this.store.getStudy(id)!;
  }

  /** After a restart: watch again every Katib study Katib has not finished. */
  resumeAll(): string[] {
    const ids = this.store.unfinishedKatib();
    ids.forEach(id => this.follow(id));
    return ids;
  }

  /** The study, if `user` may see it (Katib studies are their user's only). */
  visible(study: StudyWithTrials | null, user: string): boolean {
    return study !== null && (study.target !== 'kubeflow' || study.user === user);
  }

  async stop(id: string, user: string): Promise<StudyWithTrials> {
    const study = this.require(id, user);
    if (study.state !== 'running') {
      throw new EngineError(`study ${id} is already ${study.state}`, 409);
    }
    const created = Math.max(study.katib?.counts.trials ?? 0, study.trials.length);
    const limit = Math.max(1, created);
    await this.patchExperiment(user, study.experiment!, [{ op: 'replace', path: '/spec/maxTrialCount', value: limit }]);
    this.log.info('katib study stopped', { namespace: study.namespace, experiment: study.experiment, maxTrialCount: limit, user });
    this.store.setKatibStatus(id, { ...study.katib!, maxTrialCount: limit });
    this.store.updateStudy(id, { state: 'stopped', reason: 'stopped' });
    this.emitStudy(id);
    return this.store.getStudy(id)!;
  }

  async resume(id: string, user: string): Promise<StudyWithTrials> {
    const study = this.require(id, user);
    if (study.state !== 'stopped') {
      throw new EngineError(`study ${id} is ${study.state}: only a stopped study resumes`, 409);
    }
    if (study.finishedAt !== null) {
      throw new EngineError(
        `Katib finished Experiment ${study.experiment} (${study.katib?.reason ?? 'finished'}); it does not restart with resumePolicy Never: start a new study`,
        409
      );
    }
    const limit = study.spec.budget.maxTrials;
    await this.patchExperiment(user, study.experiment!, [{ op: 'replace', path: '/spec/maxTrialCount', value: limit }]);
    this.store.setKatibStatus(id, { ...study.katib!, maxTrialCount: limit });
    this.store.updateStudy(id, { state: 'running', reason: null, error: null });
    this.follow(id);
    this.emitStudy(id);
    return this.store.getStudy(id)!;
  }

  close(): void {
    for (const id of [...this.watches.keys()]) {
      this.unfollow(id);
    }
  }

  private require(id: string, user: string): StudyWithTrials {
    const study = this.store.getStudy(id);
    if (!study || !this.visible(study, user) || study.target !== 'kubeflow') {
      throw new EngineError(`no study ${id}`, 404);
    }
    return study;
  }

  private follow(id: string): void {
    if (this.watches.has(id)) {
      return;
    }
    const study = this.store.getStudy(id);
    if (!study?.namespace || !study.experiment || !study.user) {
      return;
    }
    const base = { user: study.user, namespace: study.namespace };
    const gaveUp = (status: number | undefined) => this.log.warning('katib study no longer watched', { study: id, status });
    this.watches.set(id, [
      new ListWatch(this.kube, { ...base, kind: EXPERIMENT, fieldSelector: `metadata.name=${study.experiment}` },
        (phase, object) => this.onExperiment(id, phase, object), this.log, this.startWatch, gaveUp).start(),
      new ListWatch(this.kube, { ...base, kind: TRIAL, labelSelector: `${EXPERIMENT_LABEL}=${study.experiment}` },
        (phase, object) => this.onTrial(id, phase, object), this.log, this.startWatch, gaveUp).start()
    ]);
  }

  private unfollow(id: string): void {
    this.watches.get(id)?.forEach(w => w.stop());
    this.watches.delete(id);
  }

  /** Exposed for tests: what a watch event does to the stored study. */
  onExperiment(id: string, phase: WatchPhase, object: KubeObject): void {
    const study = this.store.getStudy(id);
    if (!study) {
      return;
    }
    if (phase === 'DELETED') {
      if (study.finishedAt === null) {
        this.store.updateStudy(id, { state: 'failed', reason: 'error', error: `the Experiment ${study.experiment} was deleted`, finishedAt: Date.now() });
      }
      this.unfollow(id);
      this.emitStudy(id);
      return;
    }
    const katib = experimentStatus(object);
    const state = studyState(object, study.reason === 'stopped');
    this.store.setKatibStatus(id, katib);
    this.store.updateStudy(id, state);
    this.emitStudy(id);
    this.maybeDone(id);
  }

  onTrial(id: string, phase: WatchPhase, object: KubeObject): void {
    const study = this.store.getStudy(id);
    if (!study || phase === 'DELETED') {
      return; // a deleted Trial keeps its last record: the study's history stays whole
    }
    const view = trialView(object, study.spec);
    const { condition, ...rest } = view;
    const trial = this.store.putKatibTrial(id, { ...rest, run: null, ...(condition === null ? {} : { condition }) });
    this.publish({ type: 'trial', study: id, notebook: study.notebook, trial }, new Set([study.user!]));
    this.emitStudy(id);
    this.maybeDone(id);
  }

  /** Katib finished the Experiment and no trial is running: nothing more will change. */
  private maybeDone(id: string): void {
    const study = this.store.getStudy(id);
    // All the Trials Katib counted must have been seen (the first list may still be coming).
    if (study && study.finishedAt !== null && study.trials.length >= (study.katib?.counts.trials ?? 0) &&
      study.trials.every(t => t.state !== 'running')) {
      this.unfollow(id);
    }
  }

  private emitStudy(id: string): void {
    const study = this.store.getStudy(id);
    if (study?.user) {
      const { trials: _trials, ...record } = study;
      this.publish({ type: 'study', study: record }, new Set([study.user]));
    }
  }
}
