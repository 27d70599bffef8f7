/** The status section's model: a view of the connection's state and of who the user is on Kubeflow. */
import { VDomModel } from '@jupyterlab/ui-components';
import type { BridgeConnection, IConnectionState } from '../../service/connection';
import type { IdentityModel, IIdentityState } from '../../service/identity';

export class StatusModel extends VDomModel {
  constructor(
    private connection: BridgeConnection,
    private identityModel: IdentityModel | null = null
  ) {
    super();
    connection.stateChanged.connect(this.onStateChanged, this);
    identityModel?.changed.connect(this.onStateChanged, this);
  }

  get state(): IConnectionState {
    return this.connection.state;
  }

  /** Null when no identity model was given. */
  get identity(): IIdentityState | null {
    return this.identityModel?.state ?? null;
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.connection.stateChanged.disconnect(this.onStateChanged, this);
      this.identityModel?.changed.disconnect(this.onStateChanged, this);
    }
    super.dispose();
  }

  private onStateChanged(): void {
    this.stateChanged.emit(void 0);
  }
}
