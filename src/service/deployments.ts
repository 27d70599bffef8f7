/**
 * The deployments API of the bridge, typed: deploy a run's model output
 * (champion or challenger), list, traffic and routing, promote, roll back,
 * predict, delete. A refused promotion (409) keeps its body, which carries
 * both metrics, on the error.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type {
  BridgeErrorBody,
  DeploymentWire,
  GateWire,
  PredictAnswerWire,
  RoutingWire
} from '../../core/src/protocol';
import { BridgeClient, BridgeError } from './client';

/** What the deployments client needs of the bridge client. */
export type DeploymentsTransport = Pick<BridgeClient, 'serverSettings'>;

/** A bridge error with the answer's whole body (a refused promotion's numbers). */
export class DeploymentError extends BridgeError {
  constructor(status: number, message: string, field: string | undefined, readonly body: unknown) {
    super(status, message, field);
  }
}

export interface IDeployRequest {
  run: string;
  output: string;
  name: string;
  role: 'champion' | 'challenger';
  /** Champion only. */
  gate?: GateWire;
  /** Challenger only: its share under a fixed split. */
  challengerPercent?: number;
  /** Omitted for local (the API's default). */
  target?: 'kubeflow';
}

export interface IDeployResult {
  deployment: DeploymentWire;
  promoted?: boolean;
}

const q = encodeURIComponent;

export class DeploymentsClient {
  constructor(private transport: DeploymentsTransport) {}

  /** The predict URL as a user reaches it (through the Jupyter server). */
  predictUrl(deployment: Pick<DeploymentWire, 'url'>): string {
    return URLExt.join(this.transport.serverSettings.baseUrl, 'kubeflow', deployment.url, 'predict');
  }

  async list(): Promise<DeploymentWire[]> {
    return (await this.send<{ deployments: DeploymentWire[] }>('GET', 'deployments')).deployments;
  }

  get(name: string): Promise<DeploymentWire> {
    return this.send<DeploymentWire>('GET', `deployments/${q(name)}`);
  }

  deploy(request: IDeployRequest): Promise<IDeployResult> {
    const { role, name, run, output, gate, challengerPercent, target } = request;
    if (role === 'challenger') {
      const body = { run, output, ...(challengerPercent === undefined ? {} : { challengerPercent }) };
      return this.send<IDeployResult>('POST', `deployments/${q(name)}/challenger`, body);
    }
    const body = { run, output, name, ...(gate ? { gate } : {}), ...(target ? { target } : {}) };
    return this.send<IDeployResult>('POST', 'deployments', body);
  }

  remove(name: string): Promise<void> {
    return this.send<void>('DELETE', `deployments/${q(name)}`);
  }

  setShare(name: string, challengerPercent: number): Promise<DeploymentWire> {
    return this.send<DeploymentWire>('POST', `deployments/${q(name)}/traffic`, { challengerPercent });
  }

  setRouting(name: string, routing: RoutingWire): Promise<DeploymentWire> {
    return this.send<DeploymentWire>('POST', `deployments/${q(name)}/traffic`, { routing });
  }

  /** Throws a DeploymentError with status 409 and a GateRefusedWire body when the gate refuses. */
  promote(name: string): Promise<IDeployResult> {
    return this.send<IDeployResult>('POST', `deployments/${q(name)}/promote`, {});
  }

  rollback(name: string): Promise<DeploymentWire> {
    return this.send<DeploymentWire>('POST', `deployments/${q(name)}/rollback`, {});
  }

  predict(name: string, instances: unknown[]): Promise<PredictAnswerWire> {
    return this.send<PredictAnswerWire>('POST', `deployments/${q(name)}/predict`, { instances });
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const settings = this.transport.serverSettings;
    const url = URLExt.join(settings.baseUrl, 'kubeflow', 'api', path);
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, settings);
    } catch (err) {
      throw new DeploymentError(0, `cannot reach the Jupyter server: ${String(err)}`, undefined, null);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: a proxy's error page.
    }
    if (!response.ok) {
      const error = (parsed as BridgeErrorBody | undefined)?.error;
      throw new DeploymentError(
        response.status,
        error?.message ?? `${response.status} ${response.statusText}`,
        error?.field,
        parsed ?? null
      );
    }
    return parsed as T;
  }
}
