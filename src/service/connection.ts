/**
 * The live connection to the bridge: one events WebSocket, reconnected with
 * backoff whenever it drops, and the state every panel renders.
 *
 *   connecting --hello--> connected --close--> reconnecting --hello--> connected
 *        \                                         |
 *         `--close, health says 4xx/5xx------------+--> error (still retrying)
 *
 * On a failed or dropped socket the connection asks `GET health` why: a 503
 * means the bridge is restarting (reconnecting); any other failure (the
 * server extension missing, the user not authorised) is an error with the
 * server's message. Either way it keeps trying, so a restarted bridge or
 * server is picked up without a reload.
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { IDisposable } from '@lumino/disposable';
import { BridgeEventBase, BridgeHealth, isHelloEvent } from '../../core/src/protocol';
import { backoffDelay, BackoffOptions } from './backoff';
import { BridgeError, IBridgeClient } from './client';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface IConnectionState {
  status: ConnectionStatus;
  /** What the bridge said about itself in its last greeting. */
  facts: BridgeHealth | null;
  /** Why the connection is not up, for the panel to show. */
  message: string;
  /** Failed attempts since the last successful greeting. */
  attempt: number;
  /** When the next attempt is due (ms since epoch), or null. */
  retryAt: number | null;
}

export class BridgeConnection implements IDisposable {
  constructor(
    private client: IBridgeClient,
    private backoff: BackoffOptions = { initial: 500, max: 10_000 }
  ) {}

  get state(): IConnectionState {
    return this._state;
  }

  /** Emits whenever `state` changes. */
  get stateChanged(): ISignal<this, IConnectionState> {
    return this._stateChanged;
  }

  /** Every event the bridge sends after its greeting. */
  get event(): ISignal<this, BridgeEventBase> {
    return this._event;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Settings can change the backoff while running. */
  setBackoff(backoff: BackoffOptions): void {
    this.backoff = backoff;
  }

  /** Open the socket (idempotent). */
  start(): void {
    if (!this._socket && this._timer === null && !this._disposed) {
      this.open();
    }
  }

  /** Try now instead of waiting for the next scheduled attempt. */
  retryNow(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
      this.open();
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._socket?.close();
    this._socket = null;
    Signal.clearData(this);
  }

  private open(): void {
    this._timer = null;
    if (this._state.status !== 'error') {
      this.update({ status: this._everConnected ? 'reconnecting' : 'connecting', retryAt: null });
    }
    let socket: WebSocket;
    try {
      socket = this.client.openEvents();
    } catch (err) {
      void this.failed(String(err));
      return;
    }
    this._socket = socket;
    socket.onmessage = msg => this.receive(msg.data);
    socket.onclose = () => {
      if (this._socket === socket) {
        this._socket = null;
        void this.failed('the events channel closed');
      }
    };
  }

  private receive(data: unknown): void {
    let event: unknown;
    try {
      event = JSON.parse(String(data));
    } catch {
      return;
    }
    if (isHelloEvent(event)) {
      const { type: _type, ...facts } = event;
      this._everConnected = true;
      this.update({ status: 'connected', facts, message: '', attempt: 0, retryAt: null });
      return;
    }
    if (typeof (event as BridgeEventBase)?.type === 'string') {
      this._event.emit(event as BridgeEventBase);
    }
  }

  private async failed(reason: string): Promise<void> {
    if (this._disposed) {
      return;
    }
    const attempt = this._state.attempt + 1;
    const diagnosis = await this.diagnose(reason);
    if (this._disposed) {
      return;
    }
    const delay = backoffDelay(attempt, this.backoff);
    this.update({
      status: diagnosis.error ? 'error' : this._everConnected ? 'reconnecting' : 'connecting',
      message: diagnosis.message,
      attempt,
      retryAt: Date.now() + delay
    });
    this._timer = setTimeout(() => this.open(), delay);
  }

  /** Ask health why the socket failed; 503 and network errors are transient. */
  private async diagnose(reason: string): Promise<{ error: boolean; message: string }> {
    try {
      await this.client.health();
      return { error: false, message: reason };
    } catch (err) {
      if (err instanceof BridgeError && err.status !== 0 && err.status !== 503) {
        return { error: true, message: err.message };
      }
      return { error: false, message: err instanceof Error ? err.message : String(err) };
    }
  }

  private update(change: Partial<IConnectionState>): void {
    this._state = { ...this._state, ...change };
    this._stateChanged.emit(this._state);
  }

  private _state: IConnectionState = {
    status: 'connecting',
    facts: null,
    message: '',
    attempt: 0,
    retryAt: null
  };
  private _socket: WebSocket | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _everConnected = false;
  private _disposed = false;
  private _stateChanged = new Signal<this, IConnectionState>(this);
  private _event = new Signal<this, BridgeEventBase>(this);
}
