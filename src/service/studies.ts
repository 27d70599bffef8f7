/**
 * The studies API of the bridge, typed: start a study (locally, or as a
 * Katib Experiment on Kubeflow, with a dry run that shows the Experiment),
 * list a notebook's studies, get one with its trials, stop, resume.
 */
import type { StudyProblem, StudyRecord, StudySpec, StudyWithTrials } from '../../core/src/tuning';
import type { BridgeClient } from './client';

export type StudiesTransport = Pick<BridgeClient, 'request'>;

/** What `POST /api/studies` answers for target kubeflow. */
export interface IKatibAnswer {
  target: 'kubeflow';
  namespace: string;
  experiment: { [key: string]: unknown };
  problems: StudyProblem[];
  created: boolean;
  /** The recorded study (created Experiments only): followed like a local one. */
  study?: StudyWithTrials;
}

const q = encodeURIComponent;

export class StudiesClient {
  constructor(private transport: StudiesTransport) {}

  /** A local study of the saved notebook at `path`. */
  start(path: string, spec: StudySpec): Promise<StudyWithTrials> {
    return this.post<StudyWithTrials>('studies', { notebook: { path }, spec, target: 'local' });
  }

  /** A Katib Experiment; with dryRun, only what would be created. */
  startKatib(path: string, spec: StudySpec, dryRun: boolean, name?: string): Promise<IKatibAnswer> {
    return this.post<IKatibAnswer>('studies', { notebook: { path }, spec, target: 'kubeflow', dryRun, ...(name ? { name } : {}) });
  }

  /** The notebook's studies, newest first (without trials). */
  async list(notebook: string): Promise<StudyRecord[]> {
    return (await this.transport.request<{ studies: StudyRecord[] }>(`studies?notebook=${q(notebook)}`)).studies;
  }

  get(id: string): Promise<StudyWithTrials> {
    return this.transport.request<StudyWithTrials>(`studies/${q(id)}`);
  }

  stop(id: string): Promise<StudyRecord> {
    return this.post<StudyRecord>(`studies/${q(id)}/stop`);
  }

  resume(id: string): Promise<StudyRecord> {
    return this.post<StudyRecord>(`studies/${q(id)}/resume`);
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.transport.request<T>(path, {
      method: 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })
    });
  }
}
