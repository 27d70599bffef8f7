/**
 * The runs API of the bridge, typed: start (on either engine), list, get, cancel, rerun,
 * outputs and task logs (a tail, or followed live as the step writes).
 * Every call goes through the Jupyter server like the rest of the client.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { RunOutputsWire, RunWire, RunWithTasksWire } from '../../core/src/protocol';
import { runOptionsOf, Target } from '../pipeline/target';
import { BridgeError, BridgeClient } from './client';

/** What the runs client needs of the bridge client. */
export type RunsTransport = Pick<BridgeClient, 'request' | 'serverSettings'>;

export interface IStartRunRequest {
  /** Notebook path relative to Jupyter's root: the bridge reads the saved file. */
  path: string;
  parameters: { [name: string]: unknown };
  cache: boolean;
  /** Default local. */
  engine?: Target;
  /** The KFP experiment (kubeflow runs only; ignored for local ones). */
  experiment?: string;
  /** The notebook kernel's interpreter (local runs only); default: the server's Python. */
  python?: string;
}

const q = encodeURIComponent;

export class RunsClient {
  constructor(private transport: RunsTransport) {}

  start(request: IStartRunRequest): Promise<RunWithTasksWire> {
    return this.post<RunWithTasksWire>('runs', {
      notebook: { path: request.path },
      parameters: request.parameters,
      options: runOptionsOf(request.engine ?? 'local', request.cache, request.experiment, request.python)
    });
  }

  /** The notebook's runs, newest first. */
  async list(notebook: string, limit?: number): Promise<RunWire[]> {
    let path = `runs?notebook=${q(notebook)}`;
    if (limit !== undefined) {
      path += `&limit=${limit}`;
    }
    return (await this.transport.request<{ runs: RunWire[] }>(path)).runs;
  }

  get(id: string): Promise<RunWithTasksWire> {
    return this.transport.request<RunWithTasksWire>(`runs/${q(id)}`);
  }

  cancel(id: string): Promise<RunWithTasksWire> {
    return this.post<RunWithTasksWire>(`runs/${q(id)}/cancel`);
  }

  rerun(id: string): Promise<RunWithTasksWire> {
    return this.post<RunWithTasksWire>(`runs/${q(id)}/rerun`);
  }

  outputs(id: string): Promise<RunOutputsWire> {
    return this.transport.request<RunOutputsWire>(`runs/${q(id)}/outputs`);
  }

  /**
   * A task's log. With `onChunk`, follows it: each piece arrives as the
   * step writes it, and the promise resolves when the task has ended (or
   * `signal` aborted the request). Returns the whole text read.
   */
  async logs(
    run: string,
    task: string,
    options: { tail?: number; onChunk?: (text: string) => void; signal?: AbortSignal } = {}
  ): Promise<string> {
    const params = [options.tail !== undefined ? `tail=${options.tail}` : '', options.onChunk ? 'follow=1' : '']
      .filter(Boolean)
      .join('&');
    const settings = this.transport.serverSettings;
    const url =
      URLExt.join(settings.baseUrl, 'kubeflow', 'api', 'runs', q(run), 'tasks', q(task), 'logs') +
      (params ? `?${params}` : '');
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, { signal: options.signal }, settings);
    } catch (err) {
      if (options.signal?.aborted) {
        return '';
      }
      throw new BridgeError(0, `cannot reach the Jupyter server: ${String(err)}`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = `${response.status} ${response.statusText}`;
      try {
        message = JSON.parse(text).error?.message ?? message;
      } catch {
        // not JSON
      }
      throw new BridgeError(response.status, message);
    }
    if (!options.onChunk || !response.body) {
      const text = await response.text();
      options.onChunk?.(text);
      return text;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder('utf-8');
    let all = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        const text = decoder.decode(value, { stream: !done });
        if (text) {
          all += text;
          options.onChunk(text);
        }
        if (done) {
          return all;
        }
      }
    } catch (err) {
      if (options.signal?.aborted) {
        return all;
      }
      throw err;
    }
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.transport.request<T>(path, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' }
    });
  }
}
