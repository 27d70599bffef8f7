/**
 * A typed client for the KFP REST API v2beta1 (fetch, JSON with proto field
 * names). Every call acts as one user: it asks the TokenSource for a fresh
 * `kfp`-audience token (the source caches and re-mints) and sends it as
 * `Authorization: Bearer`. It never sends `kubeflow-userid`: Istio lets only
 * KFP's own components assert that header (kubeflow/pipelines#4440).
 * Failures are KfpErrors (errors.ts); tokens appear in no error or log.
 */
import type { TokenSource } from '../../identity/types';
import { fromResponse, KfpCall, unreachable } from './errors';
import {
  equalsFilter, KfpExperiment, KfpHealthz, KfpPipeline, KfpPipelineVersion, KfpRun
} from './wire';

export const API = '/apis/v2beta1';

export interface KfpClientOptions {
  /** `http://ml-pipeline.kubeflow.svc.cluster.local:8888` (no trailing `/apis/...`). */
  endpoint: string;
  tokens: TokenSource;
  /** Per call (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Query = { [name: string]: string | number | undefined };

export class KfpClient {
  readonly endpoint: string;
  private fetchImpl: typeof fetch;

  constructor(private options: KfpClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  healthz(user: string): Promise<KfpHealthz> {
    return this.call(user, 'GET', '/healthz');
  }

  /** The experiment with this display name in the namespace, or null. */
  async findExperiment(user: string, namespace: string, displayName: string): Promise<KfpExperiment | null> {
    const list = await this.call<{ experiments?: KfpExperiment[] }>(user, 'GET', '/experiments', {
      query: { namespace, filter: equalsFilter('display_name', displayName), page_size: 10 }
    });
    return (list.experiments ?? []).find(e => e.display_name === displayName) ?? null;
  }

  createExperiment(user: string, namespace: string, displayName: string, description?: string): Promise<KfpExperiment> {
    const body: KfpExperiment = { display_name: displayName, namespace, ...(description ? { description } : {}) };
    return this.call(user, 'POST', '/experiments', { body });
  }

  /** The pipeline with this name in the namespace, or null (KFP answers 404). */
  async findPipeline(user: string, namespace: string, name: string): Promise<KfpPipeline | null> {
    try {
      return await this.call<KfpPipeline>(user, 'GET', `/pipelines/names/${encodeURIComponent(name)}`, { query: { namespace } });
    } catch (err) {
      if ((err as { upstream?: number }).upstream === 404) {
        return null;
      }
      throw err;
    }
  }

  /** A new pipeline (its first version comes with it; KFP returns the pipeline only). */
  uploadPipeline(
    user: string, namespace: string, name: string, yaml: string, displayName = name
  ): Promise<KfpPipeline> {
    return this.call(user, 'POST', '/pipelines/upload', {
      query: { name, display_name: displayName, namespace },
      file: yaml
    });
  }

  uploadPipelineVersion(user: string, pipelineId: string, name: string, yaml: string): Promise<KfpPipelineVersion> {
    return this.call(user, 'POST', '/pipelines/upload_version', { query: { pipelineid: pipelineId, name }, file: yaml });
  }

  /** Versions of a pipeline, newest first; `name` filters on the version name. */
  async listPipelineVersions(user: string, pipelineId: string, name?: string): Promise<KfpPipelineVersion[]> {
    const list = await this.call<{ pipeline_versions?: KfpPipelineVersion[] }>(
      user, 'GET', `/pipelines/${encodeURIComponent(pipelineId)}/versions`,
      { query: { sort_by: 'created_at desc', page_size: 10, filter: name === undefined ? undefined : equalsFilter('name', name) } }
    );
    return list.pipeline_versions ?? [];
  }

  createRun(user: string, run: KfpRun): Promise<KfpRun> {
    return this.call(user, 'POST', '/runs', { body: run, experimentId: run.experiment_id });
  }

  getRun(user: string, runId: string): Promise<KfpRun> {
    return this.call(user, 'GET', `/runs/${encodeURIComponent(runId)}`);
  }

  /** Runs of an experiment, newest first; `filter` is a KFP filter (JSON). */
  async listRuns(user: string, namespace: string, experimentId: string, filter?: string): Promise<KfpRun[]> {
    const list = await this.call<{ runs?: KfpRun[] }>(user, 'GET', '/runs', {
      query: { namespace, experiment_id: experimentId, sort_by: 'created_at desc', page_size: 100, filter },
      experimentId
    });
    return list.runs ?? [];
  }

  async terminateRun(user: string, runId: string): Promise<void> {
    await this.call(user, 'POST', `/runs/${encodeURIComponent(runId)}:terminate`);
  }

  async retryRun(user: string, runId: string): Promise<void> {
    await this.call(user, 'POST', `/runs/${encodeURIComponent(runId)}:retry`);
  }

  private async call<T>(
    user: string,
    method: string,
    path: string,
    options: { query?: Query; body?: unknown; file?: string; experimentId?: string } = {}
  ): Promise<T> {
    const url = new URL(this.endpoint + API + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    const call: KfpCall = { method, path: API + path, endpoint: this.endpoint, experimentId: options.experimentId };
    // A fresh token for every call: the source caches and rotates them.
    const token = await this.options.tokens.token(user, 'kfp');
    const headers: { [name: string]: string } = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    let body: string | FormData | undefined;
    if (options.file !== undefined) {
      const form = new FormData();
      form.append('uploadfile', new Blob([options.file], { type: 'application/x-yaml' }), 'pipeline.yaml');
      body = form;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method, headers, body, redirect: 'error', signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000)
      });
    } catch (err) {
      throw unreachable(call, err);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      throw fromResponse(call, response.status, parsed ?? { message: text.slice(0, 500) });
    }
    if (parsed === undefined) {
      throw fromResponse(call, 502, { message: `the answer is not JSON: ${text.slice(0, 200)}` });
    }
    return parsed as T;
  }
}
