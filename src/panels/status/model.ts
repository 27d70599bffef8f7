/** The status section's model: a view of the connection's state. */
import { VDomModel } from '@jupyterlab/ui-components';
import type { BridgeConnection, IConnectionState } from '../../service/connection';

export class StatusModel extends VDomModel {
  constructor(private connection: BridgeConnection) {
    super();
    connection.stateChanged.connect(this.onStateChanged, this);
  }

  get state(): IConnectionState {
    return this.connection.state;
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.connection.stateChanged.disconnect(this.onStateChanged, this);
    }
    super.dispose();
  }

  private onStateChanged(): void {
    this.stateChanged.emit(void 0);
  }
}
