/** The run defaults from the settings registry, kept current as the user edits them. */
import { ISignal, Signal } from '@lumino/signaling';
import { IRunDefaults, RUN_DEFAULTS } from '../pipeline/target';

export class RunDefaultsModel {
  get value(): IRunDefaults {
    return this._value;
  }

  /** Emits when the defaults change. */
  get changed(): ISignal<this, IRunDefaults> {
    return this._changed;
  }

  set(value: IRunDefaults): void {
    if (value.target !== this._value.target || value.experiment !== this._value.experiment) {
      this._value = value;
      this._changed.emit(value);
    }
  }

  private _value: IRunDefaults = RUN_DEFAULTS;
  private _changed = new Signal<this, IRunDefaults>(this);
}
