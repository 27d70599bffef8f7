/**
 * `/api/studies`: tuning studies over HTTP (the Tune view, client.tune).
 * Bodies are checked here, the spec against the notebook's pipeline by
 * core's validateStudy: a 400 names the field (`spec.parameters.lr.min`,
 * `spec.objective.metric`, `notebook.path`).
 *
 *   POST /api/studies   {notebook: {path?, content?}, spec: StudySpec, target?: 'local'|'kubeflow',
 *                        options?: {python?}}                       -> 201 the study (with trials: [])
 *        target 'kubeflow': a Katib Experiment in the user's namespace, as the user
 *        (tuning/katib-study.ts); body may add name, image, dryRun (-> 200 {experiment, problems}),
 *        namespace (must be the caller's own: 403 otherwise, before the Experiment is built);
 *        201 {target, namespace, experiment, problems, created, study}; 501 without an identity mode
 *        (`study`: the recorded study, target 'kubeflow', watched: tuning/katib-watch.ts)
 *   GET  /api/studies?notebook=PATH&limit=N  {studies: [...]}, newest first, without trials
 *                                            (Katib studies: the caller's own only)
 *   GET  /api/studies/:id                    the study with its trials (parameters, metrics,
 *                                            objective, state, durationMs, run)
 *   POST /api/studies/:id/stop               cancels running trials; the study, `stopped`
 *                                            (Katib: lowers the Experiment's maxTrialCount, see katib-watch.ts)
 *   POST /api/studies/:id/resume             the study, `running` again (stopped studies only)
 *
 * Events on /api/events: {type:'study', study} and {type:'trial', study, notebook, trial}
 * (server-bridge/src/tuning/types.ts); a Katib study's go to its user only.
 */
import { notebookPath } from '../engines/local/notebook';
import { EngineError } from '../engines/local/types';
import { readStudySpec } from '../../../core/src/tuning/validate';
import type { StudyManager } from '../tuning/manager';
import type { KatibStudies } from '../tuning/katib-study';
import type { KatibWatches } from '../tuning/katib-watch';
import { IdentityError } from '../identity/types';
import { KubeError } from '../kube/errors';
import { BodyError, readJsonBody } from './body';
import { sendError, sendJson } from './respond';
import type { RouteContext, Router } from './router';

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class FieldError extends Error {
  constructor(message: string, readonly field: string, readonly status = 400) {
    super(message);
  }
}

export interface StudyRequest {
  notebook: { path?: string; content?: unknown };
  spec: NonNullable<ReturnType<typeof readStudySpec>['spec']>;
  target: 'local' | 'kubeflow';
  python?: string;
  /** kubeflow only */
  name?: string;
  image?: string;
  dryRun?: boolean;
  namespace?: string;
}

const KUBEFLOW_ONLY = ['name', 'image', 'dryRun', 'namespace'];

export function studyRequestOf(body: unknown): StudyRequest {
  if (!isObj(body)) {
    throw new FieldError('the body must be a JSON object', 'body');
  }
  const allowed = ['notebook', 'spec', 'target', 'options', ...KUBEFLOW_ONLY];
  const extra = Object.keys(body).find(k => !allowed.includes(k));
  if (extra !== undefined) {
    throw new FieldError(`unknown field ${extra} (expected ${allowed.join(', ')})`, extra);
  }
  const nb = body.notebook;
  if (!isObj(nb) || (nb.path === undefined && nb.content === undefined)) {
    throw new FieldError('notebook must be an object with a path or content', 'notebook');
  }
  if (nb.path !== undefined && (typeof nb.path !== 'string' || nb.path.trim() === '')) {
    throw new FieldError('notebook.path must be a non-empty string', 'notebook.path');
  }
  const target = body.target ?? 'local';
  if (target !== 'local' && target !== 'kubeflow') {
    throw new FieldError(`target must be 'local' or 'kubeflow', not ${JSON.stringify(target)}`, 'target');
  }
  const local = KUBEFLOW_ONLY.find(k => body[k] !== undefined && target !== 'kubeflow');
  if (local) {
    throw new FieldError(`${local} applies to Katib studies only (target: 'kubeflow')`, local);
  }
  for (const key of ['name', 'image', 'namespace']) {
    if (body[key] !== undefined && (typeof body[key] !== 'string' || (body[key] as string).trim() === '')) {
      throw new FieldError(`${key} must be a non-empty string`, key);
    }
  }
  if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') {
    throw new FieldError('dryRun must be true or false', 'dryRun');
  }
  const options = body.options ?? {};
  if (!isObj(options) || Object.keys(options).some(k => k !== 'python')) {
    throw new FieldError('options may only hold python (the steps\' interpreter)', 'options');
  }
  if (options.python !== undefined && (typeof options.python !== 'string' || options.python.trim() === '' || options.python.includes('\0'))) {
    throw new FieldError('options.python must be the path of a Python interpreter', 'options.python');
  }
  const read = readStudySpec(body.spec, 'spec.');
  if (!read.spec) {
    throw new FieldError(read.problems[0].message, read.problems[0].field);
  }
  return {
    notebook: { path: nb.path as string | undefined, content: nb.content }, spec: read.spec, target,
    python: options.python as string | undefined,
    name: body.name as string | undefined, image: body.image as string | undefined, dryRun: body.dryRun as boolean | undefined,
    namespace: body.namespace as string | undefined
  };
}

function guarded(handler: (ctx: RouteContext) => Promise<void> | void) {
  return async (ctx: RouteContext) => {
    try {
      await handler(ctx);
    } catch (err) {
      if (err instanceof FieldError || err instanceof EngineError) {
        sendError(ctx.res, err instanceof FieldError ? err.status : err.status, err.message, err.field);
      } else if (err instanceof IdentityError) {
        sendError(ctx.res, err.status, err.message);
      } else if (err instanceof KubeError) {
        sendError(ctx.res, err.status, err.message, err.field);
      } else if (err instanceof BodyError) {
        sendError(ctx.res, err.status, err.message, 'body');
      } else {
        throw err;
      }
    }
  };
}

function limitOf(url: URL): number | undefined {
  const raw = url.searchParams.get('limit');
  if (raw === null) {
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new FieldError('limit must be a whole number >= 0', 'limit');
  }
  return n;
}

export function addStudyRoutes(router: Router, studies: StudyManager, rootDir: string, katib?: KatibStudies, katibWatches?: KatibWatches): void {
  // Katib studies live in their user's namespace: other callers do not see them.
  const visible = (study: { target: string; user: string | null }, user: string) => study.target !== 'kubeflow' || study.user === user;
  const katibStudy = (id: string, user: string) => {
    const study = studies.get(id);
    if (study?.target !== 'kubeflow') {
      return null;
    }
    if (!katibWatches || !visible(study, user)) {
      throw new EngineError(`no study ${id}`, 404);
    }
    return study;
  };
  router
    .add('POST', '/api/studies', guarded(async ctx => {
      const request = studyRequestOf(await readJsonBody(ctx.req));
      if (request.target === 'kubeflow') {
        if (!katib) {
          throw new FieldError('Katib studies need Kubeflow: start the bridge with an identity mode (--identity pod|shared)', 'target', 501);
        }
        const { name, image, dryRun, namespace } = request;
        const answer = await katib({ notebook: request.notebook, spec: request.spec, user: ctx.caller.user, name, image, dryRun, namespace });
        sendJson(ctx.res, answer.status, answer.body);
        return;
      }
      const study = await studies.create({ notebook: request.notebook, spec: request.spec, user: ctx.caller.user, python: request.python });
      sendJson(ctx.res, 201, study);
    }))
    .add('GET', '/api/studies', guarded(ctx => {
      const notebook = ctx.url.searchParams.get('notebook');
      const filter = notebook === null ? {} : { notebook: notebookPath(rootDir, notebook).relative };
      // The limit counts the caller's visible studies: filter first, then cut (default 200, as the store's).
      const listed = studies.list({ ...filter, limit: Number.MAX_SAFE_INTEGER }).filter(s => visible(s, ctx.caller.user));
      sendJson(ctx.res, 200, { studies: listed.slice(0, limitOf(ctx.url) ?? 200) });
    }))
    .add('GET', '/api/studies/:id', guarded(ctx => {
      const study = studies.get(ctx.params.id);
      if (!study || !visible(study, ctx.caller.user)) {
        throw new EngineError(`no study ${ctx.params.id}`, 404);
      }
      sendJson(ctx.res, 200, study);
    }))
    .add('POST', '/api/studies/:id/stop', guarded(async ctx => {
      const kubeflow = katibStudy(ctx.params.id, ctx.caller.user);
      sendJson(ctx.res, 200, kubeflow ? await katibWatches!.stop(kubeflow.id, ctx.caller.user) : await studies.stop(ctx.params.id));
    }))
    .add('POST', '/api/studies/:id/resume', guarded(async ctx => {
      const kubeflow = katibStudy(ctx.params.id, ctx.caller.user);
      sendJson(ctx.res, 200, kubeflow ? await katibWatches!.resume(kubeflow.id, ctx.caller.user) : await studies.resume(ctx.params.id));
    }));
}
