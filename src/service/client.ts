/**
 * The bridge client: everything the browser asks of the bridge goes through
 * the Jupyter server (`{base_url}kubeflow/api/...`), which authenticates the
 * user and adds the bridge's secret. The browser holds no credential of
 * its own beyond Jupyter's session.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { BridgeErrorBody, BridgeHealth } from '../../core/src/protocol';

/** An error answer from the bridge (or the proxy in front of it). */
export class BridgeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string
  ) {
    super(message);
  }
}

export interface IBridgeClient {
  /** `GET /api/health`. */
  health(): Promise<BridgeHealth>;
  /** Open a new events WebSocket. */
  openEvents(): WebSocket;
}

export class BridgeClient implements IBridgeClient {
  constructor(
    readonly serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  async health(): Promise<BridgeHealth> {
    return this.request<BridgeHealth>('health');
  }

  openEvents(): WebSocket {
    const settings = this.serverSettings;
    let url = URLExt.join(settings.wsUrl, 'kubeflow', 'api', 'events');
    if (settings.token && settings.appendToken) {
      url += `?token=${encodeURIComponent(settings.token)}`;
    }
    return new settings.WebSocket(url);
  }

  /** A JSON request to the bridge; throws BridgeError with its message. */
  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const url = URLExt.join(this.serverSettings.baseUrl, 'kubeflow', 'api', path);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.serverSettings);
    } catch (err) {
      throw new BridgeError(0, `cannot reach the Jupyter server: ${String(err)}`);
    }
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: an HTML error page from a proxy, for example.
    }
    if (!response.ok) {
      const error = (body as BridgeErrorBody | undefined)?.error;
      throw new BridgeError(
        response.status,
        error?.message ?? `${response.status} ${response.statusText}`,
        error?.field
      );
    }
    return body as T;
  }
}
