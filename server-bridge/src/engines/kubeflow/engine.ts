/**
 * The kubeflow engine: the same notebook, compiled by core to the same IR,
 * run by Kubeflow Pipelines instead of this machine. For each run it finds
 * or creates the user's experiment, uploads the IR as a pipeline version,
 * creates the KFP run with typed parameters (all as the user, with a
 * short-lived token for their service account), records the run in the
 * local engine's SQLite history (engine `kubeflow`, KFP coordinates in
 * `remote`) and follows it (follow.ts), publishing the same run and task
 * events as the local engine. Like the local engine it knows nothing of HTTP.
 */
import { IdentityError, IdentityResolver, TokenSource } from '../../identity/types';
import type { ScopedKube } from '../../identity/scoped';
import type { Logger } from '../../log';
import { newRunId, StartRequest } from '../local/engine';
import { readPipeline } from '../local/ir';
import { compileNotebook } from '../local/notebook';
import { checkParameters } from '../local/parameters';
import type { Store } from '../local/store';
import {
  EngineError, EngineEvent, FINISHED_RUN_STATES, RemoteRun, RunRecord, RunWithTasks, TaskOutputs
} from '../local/types';
import { KfpClient } from './client';
import { KfpError } from './errors';
import { Follower, FollowOptions } from './follow';
import { readTaskLog } from './logs';
import { withoutCache } from './ir-options';
import { runStateOf } from './states';
import { Submitter } from './submit';

export interface KubeflowEngineOptions {
  endpoint: string;
  /** The local engine's store: one history, one runs list for both engines. */
  store: Store;
  rootDir: string;
  resolver: IdentityResolver;
  tokens: TokenSource;
  /** Kubernetes clients as the user (task logs); without it logs answer 503. */
  scoped?: ScopedKube;
  log?: Logger;
  follow?: Partial<FollowOptions>;
  fetch?: typeof fetch;
}

export interface KubeflowStartRequest extends StartRequest {
  /** Experiment display name (default: the notebook's setting, else the pipeline name). */
  experiment?: string;
}

const NO_LOG: Logger = { debug: () => {}, info: () => {}, warning: () => {}, error: () => {} };

export class KubeflowEngine {
  readonly client: KfpClient;
  readonly store: Store;
  private submitter: Submitter;
  private follower: Follower;
  private listeners = new Set<(event: EngineEvent) => void>();
  private log: Logger;

  constructor(readonly options: KubeflowEngineOptions) {
    this.store = options.store;
    this.log = options.log ?? NO_LOG;
    this.client = new KfpClient({ endpoint: options.endpoint, tokens: options.tokens, fetch: options.fetch });
    this.submitter = new Submitter(this.client);
    this.follower = new Follower(this.client, this.store, event => this.emit(event), this.log, options.follow);
    // Runs we were following when the bridge stopped go on in the cluster.
    for (const run of this.store.unfinishedRuns('kubeflow')) {
      this.follower.follow(run.id);
    }
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(request: KubeflowStartRequest): Promise<RunWithTasks> {
    const user = request.user ?? '';
    const compiled = compileNotebook(this.options.rootDir, request.notebook);
    const plan = readPipeline(compiled.pipelineSpec);
    // Checked here first, so a bad value changes nothing in KFP.
    const parameters = checkParameters(plan, request.parameters ?? {});
    const cache = request.options?.cache ?? true;
    const yaml = cache ? compiled.yaml : withoutCache(compiled.yaml);
    const experiment = request.experiment ?? compiled.experiment ?? plan.name;
    return this.submit(user, {
      notebook: compiled.path, pipeline: plan.name, yaml, spec: compiled.pipelineSpec, experiment, parameters, cache,
      tasks: plan.tasks.map(t => ({ name: t.name, dependencies: t.dependencies })), rerunOf: null
    });
  }

  /** A new KFP run of the same pipeline version, parameters and experiment. */
  async rerun(id: string, user: string): Promise<RunWithTasks> {
    const run = this.require(id);
    const remote = run.remote!;
    return this.submit(user, {
      notebook: run.notebook, pipeline: run.pipeline, spec: this.store.getIr(id) ?? {}, experiment: remote.experiment,
      parameters: run.parameters, cache: run.options.cache, rerunOf: id, version: remote,
      tasks: run.tasks.map(t => ({ name: t.name, dependencies: t.dependencies }))
    });
  }

  get(id: string): RunWithTasks | null {
    return this.store.getRun(id);
  }

  /** Asks KFP to terminate the run; the state follows as KFP reports it. */
  async cancel(id: string, user: string): Promise<RunWithTasks> {
    const run = this.require(id);
    if (FINISHED_RUN_STATES.includes(run.state)) {
      throw new EngineError(`run ${id} is already ${run.state}`, 409);
    }
    await this.asUser(() => this.client.terminateRun(user, run.remote!.runId));
    await this.follower.refresh(id);
    return this.get(id)!;
  }

  /** KFP's retry: the failed or terminated run goes on from where it stopped. */
  async retry(id: string, user: string): Promise<RunWithTasks> {
    const run = this.require(id);
    await this.asUser(() => this.client.retryRun(user, run.remote!.runId));
    this.store.updateRun(id, { state: 'running', finishedAt: null, error: null });
    this.follower.follow(id, true);
    this.follower.emitRun(id);
    return this.get(id)!;
  }

  async logs(id: string, task: string, user: string, options: { tail?: number } = {}): Promise<string> {
    const run = this.require(id);
    if (!run.tasks.some(t => t.name === task)) {
      throw new EngineError(`run ${id} has no task ${task}`, 404);
    }
    if (!this.options.scoped) {
      throw new EngineError('task logs of kubeflow runs need the bridge\'s cluster configuration (--kubeconfig or in-cluster)', 503);
    }
    const remote = run.remote!;
    return this.asUser(() => readTaskLog(this.options.scoped!, user, remote.namespace, remote.runId, task, options.tail));
  }

  /** Artifacts stay in the pipeline root (object store); only states are known here. */
  outputs(id: string): { run: string; state: string; metrics: RunRecord['metrics']; tasks: { [task: string]: TaskOutputs | null } } {
    const run = this.require(id);
    return { run: id, state: run.state, metrics: run.metrics, tasks: Object.fromEntries(run.tasks.map(t => [t.name, t.outputs])) };
  }

  /** Stops following (the runs go on in the cluster; the next bridge resumes). */
  async shutdown(): Promise<void> {
    this.follower.stopAll();
  }

  private async submit(user: string, s: {
    notebook: string | null; pipeline: string; yaml?: string; spec: object; experiment: string;
    parameters: { [name: string]: unknown }; cache: boolean; rerunOf: string | null;
    tasks: { name: string; dependencies: string[] }[]; version?: { pipelineId: string; pipelineVersionId: string };
  }): Promise<RunWithTasks> {
    const identity = await this.asUser(() => this.options.resolver.resolve(user));
    const { namespace, serviceAccount } = identity;
    const id = newRunId();
    const kfp = await this.asUser(async () => {
      const experimentId = await this.submitter.experiment(user, namespace, s.experiment);
      const version = s.version ?? (await this.submitter.upload(user, namespace, s.pipeline, s.yaml!));
      const created = await this.client.createRun(user, {
        display_name: `${s.pipeline} ${id}`,
        description: s.notebook ? `from ${s.notebook} in JupyterLab` : 'from JupyterLab',
        experiment_id: experimentId,
        pipeline_version_reference: { pipeline_id: version.pipelineId, pipeline_version_id: version.pipelineVersionId },
        runtime_config: { parameters: s.parameters },
        service_account: serviceAccount
      }).catch(err => {
        if (err instanceof KfpError && err.kind === 'experiment-missing') {
          this.submitter.forgetExperiment(namespace, s.experiment);
        }
        throw err;
      });
      return { created, experimentId, version };
    });
    if (!kfp.created.run_id) {
      throw new KfpError('Kubeflow Pipelines created a run without an id', 502, 'server');
    }
    const remote: RemoteRun = {
      runId: kfp.created.run_id, experimentId: kfp.experimentId, experiment: s.experiment, namespace, serviceAccount,
      pipelineId: kfp.version.pipelineId, pipelineVersionId: kfp.version.pipelineVersionId, state: kfp.created.state ?? 'PENDING'
    };
    const now = Date.now();
    const state = runStateOf(kfp.created.state);
    const run: RunRecord = {
      id, notebook: s.notebook, pipeline: s.pipeline, state, parameters: s.parameters,
      options: { cache: s.cache, python: '', parallelism: 0, timeoutSeconds: 0 },
      createdAt: now, startedAt: state === 'running' ? now : null, finishedAt: null, error: null, metrics: null,
      root: `kfp:${namespace}/${remote.runId}`, user, rerunOf: s.rerunOf, engine: 'kubeflow', remote
    };
    this.store.insertRun(run, s.spec, s.tasks.map((t, position) => ({
      name: t.name, position, state: 'pending', attempts: 0, startedAt: null, finishedAt: null, cacheKey: null,
      cached: false, cachedFrom: null, error: null, logs: null, outputs: null, dependencies: t.dependencies,
      attemptHistory: [], pid: null
    })));
    this.log.info('kubeflow run created', { run: id, kfpRun: remote.runId, namespace, serviceAccount, experiment: s.experiment });
    this.follower.emitRun(id);
    this.follower.follow(id);
    return this.get(id)!;
  }

  private require(id: string): RunWithTasks {
    const run = this.store.getRun(id);
    if (!run || run.engine !== 'kubeflow' || !run.remote) {
      throw new EngineError(`no kubeflow run ${id}`, 404);
    }
    return run;
  }

  /** Identity and token failures -> EngineErrors with their status; KFP's are already. */
  private async asUser<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof EngineError) {
        throw err;
      }
      if (err instanceof IdentityError) {
        throw new EngineError(err.message, err.status);
      }
      const status = (err as { status?: number }).status;
      const message = (err as Error).message ?? String(err);
      throw new EngineError(message, typeof status === 'number' && status >= 400 && status < 600 ? status : 502);
    }
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
