/**
 * The local engine: the embedded default. It compiles a notebook with
 * core, interprets the IR on this machine (scheduler + task runner), keeps
 * history in SQLite and emits run and task events. It knows nothing of
 * HTTP: the API and the command line both drive this facade.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { killGroup } from './executor';
import { PipelinePlan, readPipeline } from './ir';
import { followLog, readLog } from './logs';
import { compileNotebook, NotebookSource } from './notebook';
import { checkParameters } from './parameters';
import { DEFAULT_PYTHON } from './python';
import { Scheduler } from './scheduler';
import { Store } from './store';
import { runAttempt } from './task-runner';
import {
  EngineError, EngineEvent, FINISHED_RUN_STATES, RunOptions, RunRecord, RunWithTasks, TaskOutputs
} from './types';

export interface LocalEngineOptions {
  /** Run history and artifacts: `<dataDir>/runs.sqlite`, `<dataDir>/runs/<id>/`. */
  dataDir: string;
  /** Notebook paths are relative to this folder (Jupyter's root_dir). */
  rootDir: string;
  python?: string;
  parallelism?: number;
  /** Between SIGTERM and SIGKILL when a task is stopped (default 5 s). */
  graceMs?: number;
  /** Environment of the steps (default: ours, less the bridge's credentials). */
  env?: NodeJS.ProcessEnv;
}

export interface StartRequest {
  notebook: NotebookSource;
  parameters?: { [name: string]: unknown };
  options?: Partial<RunOptions>;
  user?: string;
}

/** Never handed to a step: they are the bridge's own credentials. */
const PRIVATE_ENV = ['KUBEFLOW_BRIDGE_SECRET', 'KUBEFLOW_BRIDGE_KERNEL_TOKEN'];

type Active = { scheduler: Scheduler; done: Promise<void>; stopReason: 'cancel' | 'shutdown' | null };

export class LocalEngine {
  readonly store: Store;
  private active = new Map<string, Active>();
  private listeners = new Set<(event: EngineEvent) => void>();
  private outputListeners = new Set<(run: string, task: string, stream: 'stdout' | 'stderr', text: string) => void>();
  private env: NodeJS.ProcessEnv;

  constructor(readonly options: LocalEngineOptions) {
    this.store = new Store(options.dataDir);
    this.env = Object.fromEntries(
      Object.entries(options.env ?? process.env).filter(([k]) => !PRIVATE_ENV.includes(k))
    );
    // A bridge killed mid-run left its steps running in their own process
    // groups: stop them, but only when the pid still runs that run's step.
    for (const t of this.store.recovered) {
      if (t.pid !== null && commandLineOf(t.pid).includes(t.root)) {
        killGroup(t.pid, 'SIGKILL');
      }
    }
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Live step output, as it is written to the logs. */
  onOutput(listener: (run: string, task: string, stream: 'stdout' | 'stderr', text: string) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  async start(request: StartRequest): Promise<RunWithTasks> {
    const compiled = compileNotebook(this.options.rootDir, request.notebook);
    return this.launch(compiled.pipelineSpec, compiled.path, compiled.cwd, request, null);
  }

  /**
   * A run of IR compiled earlier (a tuning study's trials all run the
   * program the study compiled, even if the notebook is edited meanwhile),
   * recorded under `notebook` and run in `cwd`.
   */
  async startCompiled(
    pipelineSpec: object, notebook: string | null, cwd: string | null, request: Omit<StartRequest, 'notebook'>
  ): Promise<RunWithTasks> {
    return this.launch(pipelineSpec, notebook, cwd, { ...request, notebook: {} }, null);
  }

  async rerun(id: string, user?: string): Promise<RunWithTasks> {
    const run = this.require(id);
    const cwd = run.notebook === null ? null : join(this.options.rootDir, run.notebook, '..');
    return this.launch(this.store.getIr(id)!, run.notebook, cwd, { notebook: {}, parameters: run.parameters, options: run.options, user }, id);
  }

  get(id: string): RunWithTasks | null {
    return this.store.getRun(id);
  }

  list(filter: { notebook?: string; limit?: number } = {}): RunRecord[] {
    return this.store.listRuns(filter);
  }

  /** Stops a run; resolves once every process is gone and the states are committed. */
  async cancel(id: string): Promise<RunWithTasks> {
    const run = this.require(id);
    const active = this.active.get(id);
    if (!active) {
      throw new EngineError(`run ${id} is already ${run.state}`, 409);
    }
    active.stopReason ??= 'cancel';
    active.scheduler.cancel();
    await active.done;
    return this.get(id)!;
  }

  /** Resolves when the run has finished (any final state). */
  async wait(id: string): Promise<RunWithTasks> {
    await this.active.get(id)?.done;
    return this.require(id);
  }

  logs(id: string, task: string, options: { tail?: number } = {}): string {
    return readLog(this.store, this.require(id), task, options.tail);
  }

  followLogs(id: string, task: string, options: { tail?: number; signal?: AbortSignal } = {}): AsyncGenerator<string> {
    const run = this.require(id);
    if (!run.tasks.some(t => t.name === task)) {
      // Checked now, not at the first chunk: the API has not answered yet.
      throw new EngineError(`run ${id} has no task ${task}`, 404);
    }
    return followLog(this.store, run, task, options);
  }

  outputs(id: string): { run: string; state: string; metrics: RunRecord['metrics']; tasks: { [task: string]: TaskOutputs | null } } {
    const run = this.require(id);
    return {
      run: id,
      state: run.state,
      metrics: run.metrics,
      tasks: Object.fromEntries(run.tasks.map(t => [t.name, t.outputs]))
    };
  }

  /** The bridge is stopping: stop every run, marked `interrupted`. */
  async shutdown(): Promise<void> {
    for (const active of this.active.values()) {
      active.stopReason = 'shutdown';
      active.scheduler.cancel();
    }
    await Promise.all([...this.active.values()].map(a => a.done));
    this.store.close();
  }

  private require(id: string): RunWithTasks {
    const run = this.store.getRun(id);
    if (!run) {
      throw new EngineError(`no run ${id}`, 404);
    }
    return run;
  }

  private async launch(
    spec: object, notebook: string | null, cwd: string | null, request: StartRequest, rerunOf: string | null
  ): Promise<RunWithTasks> {
    const plan = readPipeline(spec);
    const parameters = checkParameters(plan, request.parameters ?? {});
    const o = request.options ?? {};
    const options: RunOptions = {
      cache: o.cache ?? true,
      python: o.python ?? this.options.python ?? DEFAULT_PYTHON,
      parallelism: o.parallelism ?? this.options.parallelism ?? availableParallelism(),
      timeoutSeconds: o.timeoutSeconds ?? 0
    };
    const id = newRunId();
    const now = Date.now();
    const run: RunRecord = {
      id, notebook, pipeline: plan.name, state: 'running', parameters, options, createdAt: now, startedAt: now,
      finishedAt: null, error: null, metrics: null, root: join(this.options.dataDir, 'runs', id),
      user: request.user ?? null, rerunOf
    };
    this.store.insertRun(run, spec, plan.tasks.map((t, position) => ({
      name: t.name, position, state: 'pending', attempts: 0, startedAt: null, finishedAt: null, cacheKey: null,
      cached: false, cachedFrom: null, error: null, logs: null, outputs: null, dependencies: t.dependencies,
      attemptHistory: [], pid: null
    })));
    this.emitRun(id);
    this.drive(run, plan, cwd ?? run.root);
    return this.get(id)!;
  }

  private drive(run: RunRecord, plan: PipelinePlan, cwd: string): void {
    const emitTask = (name: string) => {
      const task = this.store.getTask(run.id, name);
      if (task) {
        this.emit({ type: 'task', run: run.id, notebook: run.notebook, task });
      }
    };
    const ctx = {
      run, store: this.store, cwd, env: this.env, graceMs: this.options.graceMs ?? 5000, emitTask,
      onOutput: (task: string, stream: 'stdout' | 'stderr', text: string) =>
        this.outputListeners.forEach(l => l(run.id, task, stream, text))
    };
    const scheduler = new Scheduler(plan.tasks, Math.max(1, run.options.parallelism), {
      attempt: (task, n, last, signal) => runAttempt(ctx, task, n, last, signal),
      mark: patches => {
        const now = Date.now();
        const stamped = Object.fromEntries(Object.entries(patches).map(([n, p]) => [n, { finishedAt: now, ...p }]));
        this.store.updateTasks(run.id, stamped);
        Object.keys(patches).forEach(emitTask);
      }
    });
    const entry: Active = { scheduler, stopReason: null, done: Promise.resolve() };
    entry.done = scheduler
      .run()
      .then(result => {
        const interrupted = entry.stopReason === 'shutdown';
        this.store.updateRun(run.id, {
          state: interrupted ? 'interrupted' : result.state,
          finishedAt: Date.now(),
          error: interrupted ? { message: 'the bridge stopped while this run was in progress' } : result.error,
          metrics: this.metricsOf(run.id)
        });
      })
      .catch(err => {
        this.store.updateRun(run.id, { state: 'failed', finishedAt: Date.now(), error: { message: `the engine failed: ${(err as Error).message}` } });
      })
      .finally(() => {
        this.active.delete(run.id);
        this.emitRun(run.id);
      });
    this.active.set(run.id, entry);
  }

  /** Metric values from every `system.Metrics` output (the metrics step's `metrics.json`). */
  private metricsOf(id: string): { [name: string]: number } | null {
    let metrics: { [name: string]: number } | null = null;
    for (const task of this.store.getRun(id)?.tasks ?? []) {
      for (const artifact of Object.values(task.outputs?.artifacts ?? {})) {
        if (artifact.type === 'system.Metrics') {
          try {
            metrics = { ...(metrics ?? {}), ...JSON.parse(readFileSync(join(artifact.path, 'metrics.json'), 'utf-8')) };
          } catch {
            // no metrics file: the step said so in its log
          }
        }
      }
    }
    return metrics;
  }

  private emitRun(id: string): void {
    const run = this.store.getRun(id);
    if (run) {
      const { tasks: _tasks, ...record } = run;
      this.emit({ type: 'run', run: record });
    }
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own; the run goes on
      }
    }
  }
}

export function isFinished(run: RunRecord): boolean {
  return FINISHED_RUN_STATES.includes(run.state);
}

/** Sortable and safe in paths and URLs: `20260102-030405-a1b2c3`. */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf-8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
