/**
 * The Tune section of the Kubeflow panel: the active notebook's studies
 * (state, trials, best objective; Katib studies: Experiment, namespace,
 * Katib's condition) and the button that opens its Tune view.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomModel, VDomRenderer } from '@jupyterlab/ui-components';
import type { BridgeEventBase } from '../../../core/src/protocol';
import type { StudyRecord } from '../../../core/src/tuning';
import type { BridgeConnection } from '../../service/connection';
import type { StudiesClient } from '../../service/studies';

/** Between Runs (300) and Deployments (400). */
export const TUNE_SECTION_RANK = 350;

export class TuneSectionModel extends VDomModel {
  constructor(
    private client: Pick<StudiesClient, 'list'>,
    connection: Pick<BridgeConnection, 'event'>
  ) {
    super();
    connection.event.connect(this.onEvent, this);
  }

  /** The active notebook's path (bridge form), or null. */
  get path(): string | null {
    return this._path;
  }

  get studies(): readonly StudyRecord[] {
    return this._studies;
  }

  get error(): string {
    return this._error;
  }

  async setPath(path: string | null): Promise<void> {
    this._path = path;
    this._studies = [];
    this._error = '';
    this.stateChanged.emit();
    if (path === null) {
      return;
    }
    try {
      const studies = await this.client.list(path);
      if (this._path === path) {
        this._studies = studies;
      }
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
    }
    this.stateChanged.emit();
  }

  private onEvent(_: unknown, event: BridgeEventBase): void {
    const study = event.type === 'study' ? (event.study as StudyRecord) : null;
    if (study && study.notebook === this._path) {
      this._studies = [study, ...this._studies.filter(s => s.id !== study.id)].sort((a, b) => b.createdAt - a.createdAt);
      this.stateChanged.emit();
    }
  }

  private _path: string | null = null;
  private _studies: StudyRecord[] = [];
  private _error = '';
}

export class TuneSection extends VDomRenderer<TuneSectionModel> {
  constructor(
    model: TuneSectionModel,
    private open: (study?: string) => void,
    private trans: TranslationBundle
  ) {
    super(model);
    this.addClass('jp-KubeflowTuneSection');
  }

  protected render(): React.ReactElement {
    const trans = this.trans;
    const { path, studies, error } = this.model;
    if (!path) {
      return <p className="jp-KubeflowTune-empty">{trans.__('Open a notebook to tune its pipeline.')}</p>;
    }
    return (
      <div className="jp-KubeflowTuneSection-body">
        <button className="jp-Button jp-mod-styled jp-mod-accept" data-action="open-tune" onClick={() => this.open()}>
          {trans.__('Open Tune view')}
        </button>
        {error && <p className="jp-KubeflowTune-message jp-mod-error">{error}</p>}
        {!studies.length && !error && <p className="jp-KubeflowTune-empty">{trans.__('No study of this notebook yet.')}</p>}
        <ul className="jp-KubeflowTuneSection-list">
          {studies.map(s => (
            <li key={s.id} data-study={s.id} data-state={s.state} tabIndex={0} onClick={() => this.open(s.id)} onKeyDown={e => e.key === 'Enter' && this.open(s.id)}>
              <span className="jp-KubeflowTuneSection-name">{s.id}</span>{' '}
              <span className={`jp-KubeflowTune-state jp-mod-${s.state}`}>{s.state}</span>
              <div className="jp-KubeflowTune-meta">
                {s.target === 'kubeflow' ? `${trans.__('Katib %1 in %2', s.experiment ?? '?', s.namespace ?? '?')}${s.katib?.condition ? ` (${s.katib.condition})` : ''} · ` : ''}
                {trans.__('%1 trials', s.counts.trials)}
                {s.best ? ` · ${trans.__('best %1 = %2 (#%3)', s.spec.objective.metric, s.best.objective, s.best.trial)}` : ''}
              </div>
            </li>
          ))}
        </ul>
      </div>
    );
  }
}
