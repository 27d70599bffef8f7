/**
 * Every deployment the bridge serves: a GET on start (and after every
 * reconnect, since events were missed while the socket was down), then the
 * bridge's `deployment` events, so every page sees changes live (made here,
 * by a collaborator, from a kernel or the command line).
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { IDisposable } from '@lumino/disposable';
import { BridgeEventBase, DeploymentWire, isDeploymentEvent } from '../../../core/src/protocol';
import type { BridgeConnection, IConnectionState } from '../../service/connection';
import type { DeploymentsClient } from '../../service/deployments';

/** What the model needs of the connection. */
export type IDeployEvents = Pick<BridgeConnection, 'event' | 'stateChanged' | 'state'>;

export class DeploymentsModel implements IDisposable {
  constructor(
    private client: Pick<DeploymentsClient, 'list'>,
    private events: IDeployEvents
  ) {
    events.event.connect(this.onEvent, this);
    events.stateChanged.connect(this.onState, this);
  }

  /** By name, in name order. */
  get deployments(): DeploymentWire[] {
    return [...this._items.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): DeploymentWire | null {
    return this._items.get(name) ?? null;
  }

  /** Why the list could not be loaded, or ''. */
  get error(): string {
    return this._error;
  }

  get loaded(): boolean {
    return this._loaded;
  }

  /** The engines the bridge runs (`kubeflow` when deploying there is possible). */
  get engines(): readonly string[] {
    return this.events.state.facts?.engines ?? [];
  }

  /** Emits on every change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  async load(): Promise<void> {
    try {
      const list = await this.client.list();
      this._items = new Map(list.map(d => [d.name, d]));
      this._error = '';
    } catch (err) {
      this._error = err instanceof Error ? err.message : String(err);
    }
    this._loaded = true;
    this.emit();
  }

  /** Take an answer of the API (deploy, traffic, ...) without waiting for its event. */
  adopt(deployment: DeploymentWire): void {
    if (deployment.updatedAt >= (this._items.get(deployment.name)?.updatedAt ?? -Infinity)) {
      this._items.set(deployment.name, deployment);
      this.emit();
    }
  }

  forget(name: string): void {
    if (this._items.delete(name)) {
      this.emit();
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this.events.event.disconnect(this.onEvent, this);
    this.events.stateChanged.disconnect(this.onState, this);
    Signal.clearData(this);
  }

  private onEvent(_: unknown, event: BridgeEventBase): void {
    if (!isDeploymentEvent(event)) {
      return;
    }
    const d = event.deployment;
    if ('deleted' in d && d.deleted) {
      this.forget(d.name);
    } else {
      // Events arrive in order: the newest state wins, even when server states
      // change without a new updatedAt.
      this._items.set(d.name, d as DeploymentWire);
      this.emit();
    }
  }

  private onState(_: unknown, state: IConnectionState): void {
    const up = state.status === 'connected';
    if (up && !this._wasUp) {
      void this.load();
    }
    this._wasUp = up;
    this.emit();
  }

  private emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _items = new Map<string, DeploymentWire>();
  private _error = '';
  private _loaded = false;
  private _wasUp = false;
  private _disposed = false;
  private _changed = new Signal<this, void>(this);
}
