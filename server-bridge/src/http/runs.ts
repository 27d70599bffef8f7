/**
 * `/api/runs`: both engines over HTTP. This layer validates request
 * bodies (a 400 names the first bad field: `notebook.path`,
 * `parameters.n_rows`, `options.cache`) and routes; the engine does the work
 * and its EngineErrors carry their own status and field. Runs of both
 * engines share one history: a run's `engine` picks who answers for it.
 *
 *   POST /api/runs                          {notebook: {path?, content?}, parameters?, options?} -> 201 run
 *        options.engine: 'local' (default) | 'kubeflow'; options.experiment (kubeflow only)
 *   GET  /api/runs?notebook=PATH&limit=N    {runs: [...]}, newest first
 *   GET  /api/runs/:id                      the run with its tasks
 *   POST /api/runs/:id/cancel               the run, once every process is gone
 *   POST /api/runs/:id/rerun                201 the new run (same IR, parameters, options)
 *   POST /api/runs/:id/retry                kubeflow runs: KFP retries the failed or terminated run
 *   GET  /api/runs/:id/tasks/:task/logs?tail=N[&follow=1]   text (chunked while following)
 *   GET  /api/runs/:id/outputs              {run, state, metrics, tasks: {task: {artifacts, parameters}}}
 */
import type { KubeflowEngine, KubeflowStartRequest } from '../engines/kubeflow/engine';
import type { LocalEngine } from '../engines/local/engine';
import { notebookPath } from '../engines/local/notebook';
import { EngineError, EngineName, RunOptions } from '../engines/local/types';
import { BodyError, readJsonBody } from './body';
import { sendError, sendJson } from './respond';
import type { RouteContext, Router } from './router';

class FieldError extends Error {
  constructor(
    message: string,
    readonly field: string
  ) {
    super(message);
  }
}

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function only(value: Obj, allowed: string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new FieldError(`unknown field ${prefix}${key} (expected ${allowed.join(', ')})`, `${prefix}${key}`);
    }
  }
}

/** The body of `POST /api/runs`, checked field by field. */
export function startRequestOf(body: unknown, user: string): KubeflowStartRequest & { engine: EngineName } {
  if (!isObj(body)) {
    throw new FieldError('the body must be a JSON object', 'body');
  }
  only(body, ['notebook', 'parameters', 'options'], '');
  const nb = body.notebook;
  if (!isObj(nb)) {
    throw new FieldError('notebook must be an object with a path or content', 'notebook');
  }
  only(nb, ['path', 'content'], 'notebook.');
  if (nb.path !== undefined && (typeof nb.path !== 'string' || nb.path.trim() === '')) {
    throw new FieldError('notebook.path must be a non-empty string', 'notebook.path');
  }
  if (nb.content !== undefined && !isObj(nb.content) && typeof nb.content !== 'string') {
    throw new FieldError('notebook.content must be a notebook (JSON object or text)', 'notebook.content');
  }
  if (nb.path === undefined && nb.content === undefined) {
    throw new FieldError('notebook needs a path or content', 'notebook.path');
  }
  const parameters = body.parameters ?? {};
  if (!isObj(parameters)) {
    throw new FieldError('parameters must be an object of name: value', 'parameters');
  }
  for (const [name, value] of Object.entries(parameters)) {
    if (value === null || !['string', 'number', 'boolean', 'object'].includes(typeof value)) {
      throw new FieldError(`parameter ${name}: ${JSON.stringify(value)} is not a value`, `parameters.${name}`);
    }
  }
  const { engine, experiment, ...options } = engineOptionsOf(body.options ?? {});
  return {
    notebook: { path: nb.path as string | undefined, content: nb.content },
    parameters,
    options: optionsOf(options),
    user,
    engine,
    ...(experiment === undefined ? {} : { experiment })
  };
}

const LOCAL_ONLY = ['python', 'parallelism', 'timeoutSeconds'];

/** `options.engine` and `options.experiment`; the rest is checked by optionsOf. */
function engineOptionsOf(options: unknown): Obj & { engine: EngineName; experiment?: string } {
  if (!isObj(options)) {
    throw new FieldError('options must be an object', 'options');
  }
  const { engine = 'local', experiment } = options;
  if (engine !== 'local' && engine !== 'kubeflow') {
    throw new FieldError(`options.engine must be 'local' or 'kubeflow', not ${JSON.stringify(engine)}`, 'options.engine');
  }
  if (experiment !== undefined) {
    if (engine !== 'kubeflow') {
      throw new FieldError('options.experiment applies to kubeflow runs only (options.engine: kubeflow)', 'options.experiment');
    }
    if (typeof experiment !== 'string' || experiment.trim() === '' || experiment.length > 256) {
      throw new FieldError('options.experiment must be an experiment name (1 to 256 characters)', 'options.experiment');
    }
  }
  if (engine === 'kubeflow') {
    const local = LOCAL_ONLY.find(key => options[key] !== undefined);
    if (local) {
      throw new FieldError(`options.${local} applies to local runs only`, `options.${local}`);
    }
  }
  const rest = Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'engine' && k !== 'experiment'));
  return { ...rest, engine, ...(experiment === undefined ? {} : { experiment: (experiment as string).trim() }) };
}

function optionsOf(options: Obj): Partial<RunOptions> {
  only(options, ['engine', 'experiment', 'cache', 'python', 'parallelism', 'timeoutSeconds'], 'options.');
  const { cache, python, parallelism, timeoutSeconds } = options;
  if (cache !== undefined && typeof cache !== 'boolean') {
    throw new FieldError('options.cache must be true or false', 'options.cache');
  }
  if (python !== undefined && (typeof python !== 'string' || python.trim() === '' || python.includes('\0'))) {
    throw new FieldError('options.python must be the path of a Python interpreter', 'options.python');
  }
  if (parallelism !== undefined && !(Number.isInteger(parallelism) && (parallelism as number) >= 1 && (parallelism as number) <= 1024)) {
    throw new FieldError('options.parallelism must be a whole number from 1 to 1024', 'options.parallelism');
  }
  if (timeoutSeconds !== undefined && !(typeof timeoutSeconds === 'number' && Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0)) {
    throw new FieldError('options.timeoutSeconds must be a number of seconds >= 0 (0: no limit)', 'options.timeoutSeconds');
  }
  return { cache, python, parallelism, timeoutSeconds } as Partial<RunOptions>;
}

function intQuery(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) {
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new FieldError(`${name} must be a whole number >= 0`, name);
  }
  return n;
}

/** Any thrown refusal -> its status and field; anything else is the server's 500. */
function guarded(handler: (ctx: RouteContext) => Promise<void> | void) {
  return async (ctx: RouteContext) => {
    try {
      await handler(ctx);
    } catch (err) {
      if (err instanceof FieldError) {
        sendError(ctx.res, 400, err.message, err.field);
      } else if (err instanceof EngineError) {
        sendError(ctx.res, err.status, err.message, err.field);
      } else if (err instanceof BodyError) {
        sendError(ctx.res, err.status, err.message, 'body');
      } else {
        throw err;
      }
    }
  };
}

export interface RunEngines {
  local: LocalEngine;
  /** Present when the bridge has a KFP endpoint and an identity mode. */
  kubeflow?: KubeflowEngine;
}

const KUBEFLOW_OFF =
  'the kubeflow engine is not configured: start the bridge with --kfp-endpoint URL and an identity mode (--identity pod|shared)';

export function addRunRoutes(router: Router, engines: RunEngines): void {
  const { local } = engines;
  const kubeflow = (): KubeflowEngine => {
    if (!engines.kubeflow) {
      throw new EngineError(KUBEFLOW_OFF, 503);
    }
    return engines.kubeflow;
  };
  /** The engine that answers for an existing run. */
  const owner = (id: string): { engine: 'local'; local: LocalEngine } | { engine: 'kubeflow'; kubeflow: KubeflowEngine } => {
    const run = local.get(id);
    if (!run) {
      throw new EngineError(`no run ${id}`, 404);
    }
    return run.engine === 'kubeflow' ? { engine: 'kubeflow', kubeflow: kubeflow() } : { engine: 'local', local };
  };
  router
    .add('POST', '/api/runs', guarded(async ctx => {
      const { engine, experiment, ...request } = startRequestOf(await readJsonBody(ctx.req), ctx.caller.user);
      if (engine === 'kubeflow') {
        if (!engines.kubeflow) {
          throw new FieldError(KUBEFLOW_OFF, 'options.engine');
        }
        sendJson(ctx.res, 201, await engines.kubeflow.start({ ...request, experiment }));
      } else {
        sendJson(ctx.res, 201, await local.start(request));
      }
    }))
    .add('GET', '/api/runs', guarded(ctx => {
      const notebook = ctx.url.searchParams.get('notebook');
      const filter = notebook === null ? {} : { notebook: notebookPath(local.options.rootDir, notebook).relative };
      sendJson(ctx.res, 200, { runs: local.list({ ...filter, limit: intQuery(ctx.url, 'limit') }) });
    }))
    .add('GET', '/api/runs/:id', guarded(ctx => {
      const run = local.get(ctx.params.id);
      if (!run) {
        throw new EngineError(`no run ${ctx.params.id}`, 404);
      }
      sendJson(ctx.res, 200, run);
    }))
    .add('POST', '/api/runs/:id/cancel', guarded(async ctx => {
      const o = owner(ctx.params.id);
      const run = o.engine === 'kubeflow' ? await o.kubeflow.cancel(ctx.params.id, ctx.caller.user) : await o.local.cancel(ctx.params.id);
      sendJson(ctx.res, 200, run);
    }))
    .add('POST', '/api/runs/:id/rerun', guarded(async ctx => {
      const o = owner(ctx.params.id);
      const run = o.engine === 'kubeflow'
        ? await o.kubeflow.rerun(ctx.params.id, ctx.caller.user)
        : await o.local.rerun(ctx.params.id, ctx.caller.user);
      sendJson(ctx.res, 201, run);
    }))
    .add('POST', '/api/runs/:id/retry', guarded(async ctx => {
      const o = owner(ctx.params.id);
      if (o.engine !== 'kubeflow') {
        throw new EngineError('retry is for kubeflow runs; rerun a local run instead', 400);
      }
      sendJson(ctx.res, 200, await o.kubeflow.retry(ctx.params.id, ctx.caller.user));
    }))
    .add('GET', '/api/runs/:id/outputs', guarded(ctx => {
      const o = owner(ctx.params.id);
      sendJson(ctx.res, 200, o.engine === 'kubeflow' ? o.kubeflow.outputs(ctx.params.id) : o.local.outputs(ctx.params.id));
    }))
    .add('GET', '/api/runs/:id/tasks/:task/logs', guarded(async ctx => {
      const { id, task } = ctx.params;
      const tail = intQuery(ctx.url, 'tail');
      const follow = ['1', 'true'].includes(ctx.url.searchParams.get('follow') ?? '');
      const o = owner(id);
      if (!follow || o.engine === 'kubeflow') {
        // Kubeflow logs come from the pod as they are now (no follow yet).
        const text = o.engine === 'kubeflow' ? await o.kubeflow.logs(id, task, ctx.caller.user, { tail }) : local.logs(id, task, { tail });
        ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
        ctx.res.end(text);
        return;
      }
      const stop = new AbortController();
      const chunks = local.followLogs(id, task, { tail, signal: stop.signal });
      ctx.res.on('close', () => stop.abort());
      ctx.res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      for await (const chunk of chunks) {
        if (stop.signal.aborted) {
          break;
        }
        ctx.res.write(chunk);
      }
      ctx.res.end();
    }));
}
