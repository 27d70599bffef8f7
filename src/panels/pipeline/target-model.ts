/**
 * The Pipeline section's target selector state: the active notebook's
 * target (its own setting, else the default), whether Kubeflow can be
 * chosen and why not. Writes the notebook's `target` only when the user
 * picks one.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { METADATA_KEY, PipelineSettings } from '../../../core/src/types';
import { AnnotationError } from '../../pipeline/model';
import { effectiveTarget, Target, wantedTarget, withTarget } from '../../pipeline/target';
import type { IdentityModel } from '../../service/identity';
import type { RunDefaultsModel } from '../../service/run-defaults';
import type { IPipelineSource } from './model';

export interface ITargetSources {
  identity: IdentityModel;
  defaults: RunDefaultsModel;
}

export class TargetModel {
  constructor(
    private source: IPipelineSource,
    private sources: ITargetSources
  ) {
    sources.identity.changed.connect(this.emit, this);
    sources.defaults.changed.connect(this.emit, this);
  }

  /** Emits when availability or the defaults change (notebook edits re-render the section anyway). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get available(): boolean {
    return this.sources.identity.state.kubeflow;
  }

  /** Why Kubeflow cannot be chosen; null when it can. */
  get reason(): string | null {
    return this.sources.identity.state.reason;
  }

  /** The target a run of the active notebook would use. */
  get value(): Target {
    const settings = this.source.current?.settings ?? {};
    return effectiveTarget(wantedTarget(settings, this.sources.defaults.value), this.available);
  }

  /** The last refused write, if any. */
  get error(): string | null {
    return this._error;
  }

  /** The user picked a target: store it in the notebook's settings. */
  setTarget(target: Target): boolean {
    const pipeline = this.source.current;
    if (!pipeline || (target === 'kubeflow' && !this.available)) {
      return false;
    }
    const next = withTarget(pipeline.notebook.getMetadata(METADATA_KEY), target, METADATA_KEY);
    this._error = 'error' in next ? next.error : null;
    if ('ok' in next) {
      try {
        pipeline.setSettings(next.ok as PipelineSettings);
      } catch (error) {
        if (!(error instanceof AnnotationError)) {
          throw error;
        }
        this._error = error.message;
      }
    }
    this.emit();
    return this._error === null;
  }

  dispose(): void {
    this.sources.identity.changed.disconnect(this.emit, this);
    this.sources.defaults.changed.disconnect(this.emit, this);
    Signal.clearData(this);
  }

  private emit(): void {
    this._changed.emit();
  }

  private _error: string | null = null;
  private _changed = new Signal<this, void>(this);
}
