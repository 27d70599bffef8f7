/**
 * Who the bridge will act as on Kubeflow for this user: `GET /api/identity`
 * after every greeting (a restarted bridge may have a new configuration),
 * combined with the engines the greeting lists. The status header renders
 * it; the target selectors use `kubeflow` and `reason`.
 */
import { ISignal, Signal } from '@lumino/signaling';
import type { IdentityWire } from '../../core/src/protocol';
import { BridgeError } from './client';
import type { BridgeConnection, IConnectionState } from './connection';

/**
 * `unknown`: not connected yet; `loading`: asking; `ready`: a namespace and
 * service account; `none`: identity mode none; `refused`: 403 (nobody
 * mapped this user); `error`: the question failed.
 */
export type IdentityStatus = 'unknown' | 'loading' | 'ready' | 'none' | 'refused' | 'error';

export interface IIdentityState {
  status: IdentityStatus;
  /** Runs can go to Kubeflow: the bridge offers the engine and knows who the user is. */
  kubeflow: boolean;
  mode: 'pod' | 'shared' | 'none' | null;
  namespace: string | null;
  serviceAccount: string | null;
  /** The KFP endpoint the bridge uses (server configuration, read-only). */
  kfpEndpoint: string | null;
  /** Why runs cannot go to Kubeflow; null when they can. */
  reason: string | null;
}

export const NO_KFP_ENDPOINT =
  'the bridge has no KFP endpoint: set KubeflowExtension.kfp_endpoint in the Jupyter server configuration';
export const NOT_CONNECTED = 'not connected to the bridge';

const EMPTY: IIdentityState = {
  status: 'unknown',
  kubeflow: false,
  mode: null,
  namespace: null,
  serviceAccount: null,
  kfpEndpoint: null,
  reason: NOT_CONNECTED
};

export type IdentityAnswer = { identity: IdentityWire } | { error: { status: number; message: string } };

/** The state for the engines of a greeting (null: none yet) and the answer to `GET /api/identity`. */
export function identityState(engines: readonly string[] | null, answer: IdentityAnswer | null): IIdentityState {
  if (!engines) {
    return EMPTY;
  }
  if (!answer) {
    return { ...EMPTY, status: 'loading', reason: null };
  }
  if ('error' in answer) {
    const refused = answer.error.status === 403;
    return { ...EMPTY, status: refused ? 'refused' : 'error', reason: answer.error.message };
  }
  const id = answer.identity;
  if (id.mode === 'none') {
    return { ...EMPTY, status: 'none', mode: 'none', reason: id.reason };
  }
  const kubeflow = engines.includes('kubeflow');
  return {
    status: 'ready',
    kubeflow,
    mode: id.mode,
    namespace: id.namespace,
    serviceAccount: id.serviceAccount,
    kfpEndpoint: id.kfpEndpoint ?? null,
    reason: kubeflow ? null : NO_KFP_ENDPOINT
  };
}

/** What the model asks of the bridge client. */
export interface IIdentitySource {
  request<T>(path: string): Promise<T>;
}

export class IdentityModel {
  constructor(
    private connection: BridgeConnection,
    private source: IIdentitySource
  ) {
    connection.stateChanged.connect(this.onConnection, this);
    this.onConnection(connection, connection.state);
  }

  get state(): IIdentityState {
    return this._state;
  }

  /** Emits whenever `state` changes. */
  get changed(): ISignal<this, IIdentityState> {
    return this._changed;
  }

  /** Ask again (after a greeting; also for tests). */
  async refresh(): Promise<void> {
    const engines = this.connection.state.facts?.engines ?? null;
    const ask = ++this._asked;
    this.set(identityState(engines, null));
    let answer: IdentityAnswer;
    try {
      answer = { identity: await this.source.request<IdentityWire>('identity') };
    } catch (err) {
      const status = err instanceof BridgeError ? err.status : 0;
      answer = { error: { status, message: err instanceof Error ? err.message : String(err) } };
    }
    if (ask === this._asked) {
      this.set(identityState(this.connection.state.facts?.engines ?? engines, answer));
    }
  }

  dispose(): void {
    this.connection.stateChanged.disconnect(this.onConnection, this);
    Signal.clearData(this);
  }

  private onConnection(_: unknown, state: IConnectionState): void {
    // Every greeting brings a new facts object: ask again after each one.
    if (state.status === 'connected' && state.facts && state.facts !== this._facts) {
      this._facts = state.facts;
      void this.refresh();
    }
  }

  private set(state: IIdentityState): void {
    this._state = state;
    this._changed.emit(state);
  }

  private _state: IIdentityState = EMPTY;
  private _facts: IConnectionState['facts'] = null;
  private _asked = 0;
  private _changed = new Signal<this, IIdentityState>(this);
}
