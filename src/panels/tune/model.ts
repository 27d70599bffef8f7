/**
 * The Tune view of one notebook: the study being edited (saved in the
 * notebook's `kubeflow.tuning` whenever it is valid, never while it is
 * not), where it runs, the notebook's studies and the one on show, kept
 * live from the bridge's events. Views render it and call its actions.
 */
import { VDomModel } from '@jupyterlab/ui-components';
import { stringify } from 'yaml';
import type { StudyProblem, StudyRecord, StudyWithTrials } from '../../../core/src/tuning';
import { FINISHED_STUDY_STATES } from '../../../core/src/tuning';
import type { BridgeEventBase } from '../../../core/src/protocol';
import { METADATA_KEY, PipelineSettings } from '../../../core/src/types';
import { AnnotationError, PipelineModel } from '../../pipeline/model';
import { effectiveTarget, Target, wantedTarget } from '../../pipeline/target';
import type { BridgeConnection, IConnectionState } from '../../service/connection';
import type { IIdentityState } from '../../service/identity';
import type { IRunDefaults } from '../../pipeline/target';
import type { StudiesClient } from '../../service/studies';
import type { ISignal } from '@lumino/signaling';
import { initialSpec, SpaceDraft } from './draft';
import { StudyModel } from './study-model';

export interface ITuneDeps {
  /** The notebook's path as the bridge knows it. */
  path: string;
  pipeline: PipelineModel;
  client: Pick<StudiesClient, 'start' | 'startKatib' | 'list' | 'get' | 'stop' | 'resume'>;
  connection: Pick<BridgeConnection, 'event' | 'stateChanged' | 'state'>;
  identity: { state: IIdentityState; changed: ISignal<unknown, IIdentityState> };
  defaults: { value: IRunDefaults };
  /** Save the notebook when it has unsaved changes (the bridge reads the file). */
  save: () => Promise<void>;
}

export interface IMessage {
  kind: 'info' | 'error';
  text: string;
}

/** A Katib Experiment shown before it is submitted. */
export interface IPreview {
  name: string;
  namespace: string;
  yaml: string;
  problems: StudyProblem[];
}

export class TuneModel extends VDomModel {
  constructor(readonly deps: ITuneDeps) {
    super();
    const { pipeline, connection, identity } = deps;
    this.draft = new SpaceDraft(initialSpec(pipeline.settings.tuning, pipeline.graph), pipeline.graph);
    pipeline.changed.connect(this.onGraph, this);
    connection.event.connect(this.onEvent, this);
    connection.stateChanged.connect(this.onConnection, this);
    identity.changed.connect(this.emit, this);
    this._target = effectiveTarget(wantedTarget(pipeline.settings, deps.defaults.value), identity.state.kubeflow);
  }

  readonly draft: SpaceDraft;

  get path(): string {
    return this.deps.path;
  }

  get problems(): StudyProblem[] {
    return this.draft.problems;
  }

  get studies(): readonly StudyRecord[] {
    return this._studies;
  }

  get study(): StudyModel | null {
    return this._study;
  }

  get message(): IMessage | null {
    return this._message;
  }

  get busy(): boolean {
    return this._busy;
  }

  get preview(): IPreview | null {
    return this._preview;
  }

  get kubeflow(): { available: boolean; reason: string | null } {
    const s = this.deps.identity.state;
    return { available: s.kubeflow, reason: s.reason };
  }

  get target(): Target {
    return this._target === 'kubeflow' && !this.kubeflow.available ? 'local' : this._target;
  }

  setTarget(target: Target): void {
    this._target = target;
    this._preview = null;
    this.emit();
  }

  /** Change the draft; saved in the notebook when the result is valid. */
  edit(change: (draft: SpaceDraft) => void): void {
    change(this.draft);
    this._preview = null;
    const spec = this.draft.valid;
    if (spec) {
      const raw = this.deps.pipeline.notebook.getMetadata(METADATA_KEY) ?? {};
      try {
        this.deps.pipeline.setSettings({ ...(raw as PipelineSettings), tuning: spec });
      } catch (error) {
        this._message = { kind: 'error', text: error instanceof AnnotationError ? error.message : String(error) };
      }
    }
    this.emit();
  }

  /** The notebook's studies; the newest is shown unless one already is. */
  async load(): Promise<void> {
    try {
      this._studies = await this.deps.client.list(this.path);
      const id = this._study?.id ?? this._studies[0]?.id;
      if (id) {
        await this.select(id);
      }
    } catch (error) {
      this.fail(error);
    }
    this.emit();
  }

  /** Show a study, fetched afresh (`GET /api/studies/:id`): an older answer never replaces a newer pick. */
  async select(id: string): Promise<void> {
    const ticket = ++this._selecting;
    const study = await this.deps.client.get(id);
    if (ticket === this._selecting) {
      this.show(study);
    }
  }

  private show(study: StudyWithTrials): void {
    const id = study.id;
    this.upsert(study);
    if (this._study?.id === id) {
      this._study.reset(study);
    } else {
      this._study?.dispose();
      this._study = new StudyModel(study);
      this._study.changed.connect(this.emit, this);
    }
    this.emit();
  }

  /** Start the draft: a local study, or the Katib Experiment's preview (submit() creates it). */
  async start(): Promise<void> {
    const spec = this.draft.valid;
    if (!spec) {
      this._message = { kind: 'error', text: this.problems.find(p => p.severity === 'error')?.message ?? '' };
      this.emit();
      return;
    }
    await this.act(async () => {
      await this.deps.save();
      if (this.target === 'kubeflow') {
        const answer = await this.deps.client.startKatib(this.path, spec, true);
        const meta = (answer.experiment.metadata ?? {}) as { name?: string };
        this._preview = { name: meta.name ?? '', namespace: answer.namespace, yaml: stringify(answer.experiment), problems: answer.problems };
        return;
      }
      const study = await this.deps.client.start(this.path, spec);
      this._selecting++;
      this.show(study);
      this._message = { kind: 'info', text: `study ${study.id} started` };
    });
  }

  /** Create the previewed Katib Experiment. */
  async submit(): Promise<void> {
    const preview = this._preview;
    const spec = this.draft.valid;
    if (!preview || !spec) {
      return;
    }
    await this.act(async () => {
      const answer = await this.deps.client.startKatib(this.path, spec, false, preview.name || undefined);
      this._preview = null;
      const meta = (answer.experiment.metadata ?? {}) as { name?: string };
      if (answer.study) {
        // Followed like a local study: its `study` / `trial` events keep it live.
        this._selecting++;
        this.show(answer.study);
      }
      this._message = { kind: 'info', text: `Katib Experiment ${meta.name ?? preview.name} created in ${answer.namespace}` };
    });
  }

  cancelPreview(): void {
    this._preview = null;
    this.emit();
  }

  stop(): Promise<void> {
    return this.act(async () => this.onStudy(await this.deps.client.stop(this.study!.id)));
  }

  resume(): Promise<void> {
    return this.act(async () => this.onStudy(await this.deps.client.resume(this.study!.id)));
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.deps.pipeline.changed.disconnect(this.onGraph, this);
    this.deps.connection.event.disconnect(this.onEvent, this);
    this.deps.connection.stateChanged.disconnect(this.onConnection, this);
    this.deps.identity.changed.disconnect(this.emit, this);
    this._study?.dispose();
    super.dispose();
  }

  private async act(action: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._message = null;
    this.emit();
    try {
      await action();
    } catch (error) {
      this.fail(error);
    } finally {
      this._busy = false;
      this.emit();
    }
  }

  private fail(error: unknown): void {
    this._message = { kind: 'error', text: error instanceof Error ? error.message : String(error) };
  }

  private onGraph(): void {
    this.draft.setGraph(this.deps.pipeline.graph);
    this.emit();
  }

  /** (Re)connected: events sent while no socket was open are only in the store, so list and refetch the shown study. */
  private onConnection(_: unknown, state: IConnectionState): void {
    if (state.status === 'connected') {
      void this.load();
    }
  }

  private onEvent(_: unknown, event: BridgeEventBase): void {
    if (event.type === 'study') {
      const study = event.study as StudyRecord;
      if (study?.notebook === this.path) {
        this.onStudy(study);
        const shown = this._study?.record;
        if (shown?.id !== study.id && study.state === 'running' && (!shown || shown.state !== 'running')) {
          void this.select(study.id);
        }
      }
    } else if (event.type === 'trial' && this._study && event.study === this._study.id) {
      this._study.onTrial(event.study as string, event.trial as StudyModel['trials'][number]);
    }
  }

  private onStudy(study: StudyRecord): void {
    this.upsert(study);
    this._study?.onStudy(study);
    this.emit();
  }

  private upsert(study: StudyRecord): void {
    const { trials: _t, ...record } = study as StudyRecord & { trials?: unknown };
    const rest = this._studies.filter(s => s.id !== study.id);
    this._studies = [record, ...rest].sort((a, b) => b.createdAt - a.createdAt);
  }

  private emit(): void {
    this.stateChanged.emit();
  }

  private _studies: StudyRecord[] = [];
  private _study: StudyModel | null = null;
  private _message: IMessage | null = null;
  private _busy = false;
  private _preview: IPreview | null = null;
  private _target: Target;
  private _selecting = 0;
}

/** A study that stopped for good (no resume). */
export const isFinished = (s: StudyRecord) => FINISHED_STUDY_STATES.includes(s.state);
