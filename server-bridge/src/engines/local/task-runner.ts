/**
 * One attempt of one task within a run: inputs from the run's parameters
 * and upstream outputs, placeholders resolved, the cache consulted, the
 * process run, its outputs read back. Every state change is committed to
 * the store before it is emitted.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { artifactDigest, cacheKey, findCacheHit, reuseOutputs } from './cache';
import { TaskProcess } from './executor';
import { describeFailure } from './failure';
import type { TaskPlan } from './ir';
import { PlaceholderError, readOutputParameter, resolveTask, ResolvedTask } from './placeholders';
import type { AttemptOutcome } from './scheduler';
import type { Store } from './store';
import type { ArtifactOutput, Attempt, LogPaths, RunRecord, TaskError, TaskOutputs, TaskRecord } from './types';

export interface RunContext {
  run: RunRecord;
  store: Store;
  /** Where steps run: the notebook's folder (relative paths as in the kernel). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  graceMs: number;
  /** Commit already done: tell listeners. */
  emitTask(name: string): void;
  onOutput?(task: string, stream: 'stdout' | 'stderr', text: string): void;
}

export function logPaths(root: string, task: string): LogPaths {
  const base = join(root, '.logs', task);
  return { combined: `${base}.log`, stdout: `${base}.stdout.log`, stderr: `${base}.stderr.log` };
}

/** `python3` in the executor's command becomes the notebook's interpreter. */
export function interpreterArgv(command: string[], python: string): string[] {
  return /^python(3(\.\d+)?)?$/.test(command[0]) ? [python, ...command.slice(1)] : command;
}

export async function runAttempt(
  ctx: RunContext,
  task: TaskPlan,
  attempt: number,
  last: boolean,
  signal: AbortSignal
): Promise<AttemptOutcome> {
  const { run, store } = ctx;
  const record = () => store.getRun(run.id)!.tasks.find(t => t.name === task.name)!;
  const commit = (patch: Partial<TaskRecord>) => {
    store.updateTask(run.id, task.name, patch);
    ctx.emitTask(task.name);
  };
  const fail = (error: TaskError, history?: Attempt[]): AttemptOutcome => {
    const now = Date.now();
    commit(
      last
        ? { state: 'failed', error, finishedAt: now, pid: null, attempts: attempt, ...(history && { attemptHistory: history }) }
        : { error, pid: null, attempts: attempt, ...(history && { attemptHistory: history }) }
    );
    return { state: 'failed', error };
  };
  if (signal.aborted) {
    commit({ state: 'cancelled', finishedAt: Date.now(), error: { task: task.name, message: 'the run was cancelled' } });
    return { state: 'cancelled' };
  }

  const upstream = new Map(store.getRun(run.id)!.tasks.map(t => [t.name, t]));
  let resolved: ResolvedTask;
  const digests: { [name: string]: string } = {};
  try {
    const values = inputValues(task, run, upstream);
    const artifacts: { [name: string]: string } = {};
    for (const [name, src] of Object.entries(task.artifacts)) {
      const out = upstream.get(src.task)?.outputs?.artifacts[src.key];
      if (!out) {
        throw new PlaceholderError(`input artifact ${name}: task ${src.task} has no output ${src.key}`);
      }
      artifacts[name] = out.path;
      digests[name] = out.digest;
    }
    resolved = resolveTask(task, run.root, values, artifacts);
  } catch (err) {
    if (err instanceof PlaceholderError) {
      return fail({ task: task.name, message: err.message });
    }
    throw err;
  }

  const key = cacheKey({ task, python: run.options.python, parameters: resolved.parameterText, artifactDigests: digests });
  if (attempt === 1 && run.options.cache && task.enableCache) {
    const hit = findCacheHit(store, key, run.id);
    if (hit) {
      const now = Date.now();
      commit({
        // Point at the task that really ran (a hit may itself be a hit), so its log is found.
        state: 'succeeded', cached: true, cacheKey: key, cachedFrom: hit.task.cachedFrom ?? { run: hit.run, task: hit.task.name },
        outputs: reuseOutputs(hit, resolved.outputArtifacts), startedAt: now, finishedAt: now
      });
      return { state: 'succeeded' };
    }
  }

  const logs = logPaths(run.root, task.name);
  const proc = new TaskProcess({
    argv: [...interpreterArgv(task.command, run.options.python), ...resolved.args],
    cwd: ctx.cwd,
    env: { ...ctx.env, ...task.env, PYTHONUNBUFFERED: '1' },
    logs,
    timeoutSeconds: run.options.timeoutSeconds,
    graceMs: ctx.graceMs,
    header: attempt > 1 ? `[kubeflow] attempt ${attempt} of ${1 + (task.retry?.maxRetryCount ?? 0)}\n` : undefined,
    onOutput: (stream, text) => ctx.onOutput?.(task.name, stream, text)
  });
  const onAbort = () => proc.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  const before = record();
  const history: Attempt[] = [
    ...before.attemptHistory,
    { attempt, startedAt: started, finishedAt: null, exitCode: null, state: 'running', pid: proc.pid }
  ];
  commit({
    state: 'running', attempts: attempt, startedAt: before.startedAt ?? started, cacheKey: key,
    logs, pid: proc.pid ?? null, attemptHistory: history
  });

  const result = await proc.done;
  signal.removeEventListener('abort', onAbort);
  const ended = (state: Attempt['state']): Attempt[] =>
    history.map(h =>
      h.attempt === attempt ? { ...h, startedAt: result.startedAt, finishedAt: result.finishedAt, exitCode: result.exitCode, state } : h
    );
  if (result.cancelled) {
    const error = { task: task.name, message: 'the run was cancelled' };
    commit({ state: 'cancelled', finishedAt: result.finishedAt, pid: null, error, attemptHistory: ended('cancelled') });
    return { state: 'cancelled' };
  }
  if (result.exitCode !== 0) {
    const error = describeFailure(task.name, result.stderrTail, {
      exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut,
      timeoutSeconds: run.options.timeoutSeconds, spawnError: result.spawnError
    });
    return fail(error, ended('failed'));
  }
  let outputs: TaskOutputs;
  try {
    outputs = await readOutputs(task, resolved);
  } catch (err) {
    return fail({ task: task.name, message: (err as Error).message, exitCode: 0 }, ended('failed'));
  }
  commit({ state: 'succeeded', finishedAt: result.finishedAt, pid: null, error: null, outputs, attemptHistory: ended('succeeded') });
  return { state: 'succeeded' };
}

function inputValues(task: TaskPlan, run: RunRecord, upstream: Map<string, TaskRecord>): { [name: string]: unknown } {
  const values: { [name: string]: unknown } = {};
  for (const [name, src] of Object.entries(task.parameters)) {
    if (src.kind === 'constant') {
      values[name] = src.value;
    } else if (src.kind === 'component') {
      if (!(src.name in run.parameters)) {
        throw new PlaceholderError(`input parameter ${name}: the run has no parameter ${src.name}`);
      }
      values[name] = run.parameters[src.name];
    } else {
      const params = upstream.get(src.task)?.outputs?.parameters ?? {};
      if (!(src.key in params)) {
        throw new PlaceholderError(`input parameter ${name}: task ${src.task} has no output parameter ${src.key}`);
      }
      values[name] = params[src.key];
    }
  }
  return values;
}

async function readOutputs(task: TaskPlan, resolved: ResolvedTask): Promise<TaskOutputs> {
  const artifacts: { [name: string]: ArtifactOutput } = {};
  for (const [name, path] of Object.entries(resolved.outputArtifacts)) {
    if (!existsSync(path)) {
      throw new Error(`output artifact ${name} was not written (${path})`);
    }
    artifacts[name] = { path, type: task.outputArtifacts[name], size: sizeOf(path), digest: await artifactDigest(path), ...metaOf(path) };
  }
  const fromExecutor = executorParameterValues(resolved.executorOutput);
  const parameters: { [name: string]: unknown } = {};
  for (const [name, path] of Object.entries(resolved.outputParameters)) {
    parameters[name] = name in fromExecutor ? fromExecutor[name] : readOutputParameter(path, task.outputParameters[name], name);
  }
  return { artifacts, parameters };
}

/** KFP lets a program report output parameters in its executor output file too. */
function executorParameterValues(path: string): { [name: string]: unknown } {
  try {
    const out = JSON.parse(readFileSync(path, 'utf-8')) as { parameterValues?: { [name: string]: unknown } };
    return out.parameterValues ?? {};
  } catch {
    return {};
  }
}

function metaOf(dir: string): { format?: string; pythonType?: string } {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'kubeflow.json'), 'utf-8')) as { format?: string; type?: string };
    return { format: meta.format, pythonType: meta.type };
  } catch {
    return {};
  }
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.size;
  }
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}
