/** One cell's chip: its state, and a signal only when that state changes. */
import { VDomModel } from '@jupyterlab/ui-components';
import { IChipState, stateKey } from './state';

export class ChipModel extends VDomModel {
  get state(): IChipState | null {
    return this._state;
  }

  /** Set the state; re-renders only when it differs from the current one. */
  setState(state: IChipState | null): void {
    const key = stateKey(state);
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._state = state;
    this.stateChanged.emit(void 0);
  }

  private _state: IChipState | null = null;
  private _key = stateKey(null);
}
