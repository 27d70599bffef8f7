/**
 * `/api/deployments`: local model serving over HTTP (serving/service.ts does
 * the work). Reached only through the Jupyter server's authenticated proxy
 * (`{base_url}kubeflow/api/deployments/...`) or with the kernel token; the
 * model servers' own ports never appear in an answer.
 *
 *   POST   /api/deployments                 {run, output, name, role?, routing?, gate?, challengerPercent?, promoteIf?, wait?}
 *          -> 201 {deployment, promoted?, gate?}; 409 {error, champion, challenger} when promoteIf refuses
 *   GET    /api/deployments                 {deployments: [...]}
 *   GET    /api/deployments/:name           the deployment (versions, roles, stats, server states, metrics)
 *   DELETE /api/deployments/:name           204; its servers are stopped
 *   POST   /api/deployments/:name/challenger {run, output, challengerPercent?, promoteIf?, wait?} -> 201
 *   POST   /api/deployments/:name/traffic   {challengerPercent} or {routing}
 *   POST   /api/deployments/:name/promote   {deployment, promoted, gate?}; 409 {error, champion: {metric, value}, challenger: {...}}
 *   POST   /api/deployments/:name/rollback  the deployment
 *   POST   /api/deployments/:name/predict   V1 {instances} -> {predictions, version, role, request_id, latency_ms}
 *   POST   /api/deployments/:name/v2/infer  V2 {inputs} -> the Open Inference Protocol answer, with
 *          id = request_id and parameters {version, role, latency_ms}
 *   POST   /api/deployments/:name/feedback  {request_id, reward in [0, 1]} -> {request_id, version, reward}
 * Every answer of predict and infer also carries the headers
 * `X-Kubeflow-Version` and `X-Request-Id`. Events: `{type: 'deployment', deployment}`.
 *
 * Kubeflow (`target: 'kubeflow'` on create; serving/kserve/service.ts): the
 * same routes drive a KServe InferenceService in the user's namespace, with
 * the extra fields `storageUri`, `modelFormat` and `namespace` (which must be
 * the user's own: 403 otherwise). A name the user deployed there is routed
 * there; its views add `target`, `namespace`, `mode` and `kserve` (status).
 * Feedback on it names the version: `{version, reward}` (KServe answers
 * requests itself, so the bridge has no request ids). Predict and infer on
 * it are forwarded to the InferenceService's address as the user, with their
 * kube-audience token (serving/kserve/predict.ts): the same answers with the
 * champion's `version`/`role` and `latency_ms`, `X-Kubeflow-Version`, no
 * request id; 503 naming the reason while it is not Ready, 502 when its
 * host cannot be reached, 504 when it does not answer in time.
 */
import { EngineError } from '../engines/local/types';
import { IdentityError } from '../identity/types';
import { KubeError } from '../kube/errors';
import type { KServeDeployments } from '../serving/kserve/service';
import { DeployRequest, DeploymentService, GateRefused, NAME_PATTERN } from '../serving/service';
import type { Gate, Routing } from '../serving/types';
import { BodyError, readJsonBody } from './body';
import { sendError, sendJson } from './respond';
import type { RouteContext, Router } from './router';

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, field: string) => new EngineError(message, 400, field);

function only(value: Obj, allowed: string[], prefix = ''): void {
  const extra = Object.keys(value).find(k => !allowed.includes(k));
  if (extra !== undefined) {
    throw bad(`unknown field ${prefix}${extra} (expected ${allowed.join(', ')})`, `${prefix}${extra}`);
  }
}

function text(body: Obj, key: string, prefix = ''): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw bad(`${prefix}${key} must be a non-empty string`, `${prefix}${key}`);
  }
  return v.trim();
}

function percent(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) {
    throw bad(`${field} must be a number from 0 to 100`, field);
  }
  return v;
}

export function gateOf(v: unknown, field: string): Gate {
  if (!isObj(v)) {
    throw bad(`${field} must be {metric, direction, margin}`, field);
  }
  only(v, ['metric', 'direction', 'margin'], `${field}.`);
  const metric = text(v, 'metric', `${field}.`);
  const direction = v.direction ?? 'maximize';
  if (direction !== 'maximize' && direction !== 'minimize') {
    throw bad(`${field}.direction must be 'maximize' or 'minimize'`, `${field}.direction`);
  }
  const margin = v.margin ?? 0;
  if (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0) {
    throw bad(`${field}.margin must be a number >= 0`, `${field}.margin`);
  }
  return { metric, direction, margin };
}

export function routingOf(v: unknown, field = 'routing'): Routing {
  if (!isObj(v)) {
    throw bad(`${field} must be an object with a mode`, field);
  }
  const seed = v.seed;
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw bad(`${field}.seed must be a whole number`, `${field}.seed`);
  }
  const s = seed === undefined ? {} : { seed: seed as number };
  switch (v.mode) {
    case 'split':
      only(v, ['mode', 'challengerPercent', 'seed'], `${field}.`);
      return { mode: 'split', challengerPercent: percent(v.challengerPercent ?? 0, `${field}.challengerPercent`), ...s };
    case 'epsilon-greedy': {
      only(v, ['mode', 'epsilon', 'seed'], `${field}.`);
      const epsilon = v.epsilon ?? 0.1;
      if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon <= 1)) {
        throw bad(`${field}.epsilon must be a number from 0 to 1`, `${field}.epsilon`);
      }
      return { mode: 'epsilon-greedy', epsilon, ...s };
    }
    case 'thompson': {
      only(v, ['mode', 'prior', 'seed'], `${field}.`);
      const prior = v.prior ?? { alpha: 1, beta: 1 };
      if (!isObj(prior) || !(Number(prior.alpha) > 0) || !(Number(prior.beta) > 0) || typeof prior.alpha !== 'number' || typeof prior.beta !== 'number') {
        throw bad(`${field}.prior must be {alpha, beta}, both > 0`, `${field}.prior`);
      }
      return { mode: 'thompson', prior: { alpha: prior.alpha, beta: prior.beta }, ...s };
    }
    default:
      throw bad(`${field}.mode must be 'split', 'epsilon-greedy' or 'thompson'`, `${field}.mode`);
  }
}

/** The body of `POST /api/deployments` (and of `.../challenger`, with the name from the path). */
export function deployRequestOf(body: unknown, user: string, name?: string): DeployRequest {
  if (!isObj(body)) {
    throw bad('the body must be a JSON object', 'body');
  }
  const fields = ['run', 'output', 'challengerPercent', 'promoteIf', 'wait', 'storageUri', 'modelFormat'];
  only(body, name === undefined ? [...fields, 'name', 'role', 'routing', 'gate', 'target', 'namespace'] : fields);
  const req: DeployRequest = {
    run: text(body, 'run'),
    output: body.output === undefined ? 'model' : text(body, 'output'),
    name: name ?? text(body, 'name'),
    role: name === undefined ? 'champion' : 'challenger',
    user
  };
  if (!NAME_PATTERN.test(req.name)) {
    throw bad(`name ${JSON.stringify(req.name)} must be lower-case letters, digits and '-', starting with a letter (at most 63)`, 'name');
  }
  if (body.role !== undefined) {
    if (body.role !== 'champion' && body.role !== 'challenger') {
      throw bad(`role must be 'champion' or 'challenger'`, 'role');
    }
    req.role = body.role;
  }
  if (body.routing !== undefined) {
    req.routing = routingOf(body.routing);
  }
  if (body.gate !== undefined && body.gate !== null) {
    req.gate = gateOf(body.gate, 'gate');
  }
  if (body.challengerPercent !== undefined) {
    req.challengerPercent = percent(body.challengerPercent, 'challengerPercent');
  }
  if (body.promoteIf !== undefined) {
    req.promoteIf = gateOf(body.promoteIf, 'promoteIf');
  }
  if (body.wait !== undefined) {
    if (typeof body.wait !== 'boolean') {
      throw bad('wait must be true or false', 'wait');
    }
    req.wait = body.wait;
  }
  if (body.target !== undefined) {
    if (body.target !== 'local' && body.target !== 'kubeflow') {
      throw bad(`target must be 'local' or 'kubeflow'`, 'target');
    }
    req.target = body.target;
  }
  for (const key of ['storageUri', 'modelFormat', 'namespace'] as const) {
    if (body[key] !== undefined) {
      if (name === undefined && req.target !== 'kubeflow') {
        throw bad(`${key} applies to target 'kubeflow'`, key);
      }
      req[key] = text(body, key);
    }
  }
  if (req.role === 'champion') {
    const misplaced = (['challengerPercent', 'promoteIf'] as const).find(k => req[k] !== undefined);
    if (misplaced) {
      throw bad(`${misplaced} applies to a challenger (role: challenger)`, misplaced);
    }
  } else {
    const misplaced = (['routing', 'gate'] as const).find(k => req[k] !== undefined);
    if (misplaced) {
      throw bad(`${misplaced} is chosen when the deployment is created (a champion), not with a challenger`, misplaced);
    }
  }
  return req;
}

function guarded(handler: (ctx: RouteContext) => Promise<void> | void) {
  return async (ctx: RouteContext) => {
    try {
      await handler(ctx);
    } catch (err) {
      if (err instanceof GateRefused) {
        const { champion, challenger, gate } = err.result;
        sendJson(ctx.res, 409, { error: { code: 409, message: err.message, field: 'gate' }, gate, champion, challenger });
      } else if (err instanceof EngineError) {
        sendError(ctx.res, err.status, err.message, err.field);
      } else if (err instanceof BodyError) {
        sendError(ctx.res, err.status, err.message, 'body');
      } else if (err instanceof IdentityError || err instanceof KubeError) {
        // The cluster's refusals, already free of headers and tokens (kube/errors.ts).
        sendError(ctx.res, err.status, err.message, (err as KubeError).field);
      } else {
        throw err;
      }
    }
  };
}

/**
 * `kubeflow`: the KServe back end, or why there is none (a laptop: no
 * identity), which a `target: 'kubeflow'` request is told (503).
 */
export function addDeploymentRoutes(router: Router, service: DeploymentService, kubeflow?: KServeDeployments | string): void {
  const kserve = typeof kubeflow === 'object' ? kubeflow : null;
  const unavailable = typeof kubeflow === 'string' ? kubeflow : 'this bridge has no Kubeflow deployment target';
  /** The KServe back end when this user deployed `name` there, else null (local). */
  const remote = async (ctx: RouteContext): Promise<KServeDeployments | null> =>
    kserve && (await kserve.has(ctx.caller.user, ctx.params.name)) ? kserve : null;
  /** A local answer, or a Kubeflow one (no request id: KServe answered, not the bridge's router). */
  type Answered = Omit<Awaited<ReturnType<DeploymentService['predict']>>, 'requestId'> & { requestId?: string };
  const answer = (ctx: RouteContext, a: Answered, v2: boolean) => {
    ctx.res.setHeader('X-Kubeflow-Version', a.version);
    const rid = a.requestId === undefined ? {} : { request_id: a.requestId };
    if (a.requestId !== undefined) {
      ctx.res.setHeader('X-Request-Id', a.requestId);
    }
    const meta = { version: a.version, role: a.role, latency_ms: a.latencyMs };
    if (a.status >= 400) {
      const message = typeof a.body.error === 'string' ? a.body.error : JSON.stringify(a.body);
      sendJson(ctx.res, a.status, { error: { code: a.status, message }, ...meta, ...rid });
    } else if (v2) {
      const parameters = isObj(a.body.parameters) ? a.body.parameters : {};
      sendJson(ctx.res, 200, { ...a.body, ...(a.requestId === undefined ? {} : { id: a.requestId }), parameters: { ...parameters, ...meta } });
    } else {
      sendJson(ctx.res, 200, { ...a.body, ...meta, ...rid });
    }
  };
  const body = async (ctx: RouteContext): Promise<Obj> => {
    const b = (await readJsonBody(ctx.req)) ?? {};
    if (!isObj(b)) {
      throw bad('the body must be a JSON object', 'body');
    }
    return b;
  };
  router
    .add('POST', '/api/deployments', guarded(async ctx => {
      const req = deployRequestOf(await readJsonBody(ctx.req), ctx.caller.user);
      if (req.target === 'kubeflow') {
        if (!kserve) {
          throw new EngineError(unavailable, 503, 'target');
        }
        sendJson(ctx.res, 201, await kserve.deploy(req));
        return;
      }
      sendJson(ctx.res, 201, await service.deploy(req));
    }))
    .add('GET', '/api/deployments', guarded(async ctx => {
      // A user without a Kubeflow identity still lists the local ones.
      const theirs = kserve ? await kserve.list(ctx.caller.user).catch(() => []) : [];
      sendJson(ctx.res, 200, { deployments: [...service.list(), ...theirs] });
    }))
    .add('GET', '/api/deployments/:name', guarded(async ctx => {
      const k = await remote(ctx);
      sendJson(ctx.res, 200, k ? await k.get(ctx.caller.user, ctx.params.name) : service.get(ctx.params.name));
    }))
    .add('DELETE', '/api/deployments/:name', guarded(async ctx => {
      const k = await remote(ctx);
      await (k ? k.remove(ctx.caller.user, ctx.params.name) : service.remove(ctx.params.name));
      ctx.res.writeHead(204).end();
    }))
    .add('POST', '/api/deployments/:name/challenger', guarded(async ctx => {
      const k = await remote(ctx);
      if (!k) {
        service.get(ctx.params.name); // 404 before the body's own checks
      }
      const req = deployRequestOf(await readJsonBody(ctx.req), ctx.caller.user, ctx.params.name);
      const misplaced = (['storageUri', 'modelFormat'] as const).find(key => !k && req[key] !== undefined);
      if (misplaced) {
        throw bad(`${misplaced} applies to a Kubeflow deployment; ${ctx.params.name} runs on this machine`, misplaced);
      }
      sendJson(ctx.res, 201, await (k ? k.deploy(req) : service.deploy(req)));
    }))
    .add('POST', '/api/deployments/:name/traffic', guarded(async ctx => {
      const b = await body(ctx);
      only(b, ['challengerPercent', 'routing']);
      let routing: Routing;
      if (b.routing !== undefined) {
        routing = routingOf(b.routing);
      } else if (b.challengerPercent !== undefined) {
        routing = { mode: 'split', challengerPercent: percent(b.challengerPercent, 'challengerPercent') };
      } else {
        throw bad('give challengerPercent (a fixed split) or routing', 'challengerPercent');
      }
      const k = await remote(ctx);
      sendJson(ctx.res, 200, await (k ? k.setRouting(ctx.caller.user, ctx.params.name, routing) : service.setRouting(ctx.params.name, routing)));
    }))
    .add('POST', '/api/deployments/:name/promote', guarded(async ctx => {
      const k = await remote(ctx);
      sendJson(ctx.res, 200, await (k ? k.promote(ctx.caller.user, ctx.params.name) : service.promote(ctx.params.name)));
    }))
    .add('POST', '/api/deployments/:name/rollback', guarded(async ctx => {
      const k = await remote(ctx);
      sendJson(ctx.res, 200, await (k ? k.rollback(ctx.caller.user, ctx.params.name) : service.rollback(ctx.params.name)));
    }))
    .add('POST', '/api/deployments/:name/predict', guarded(async ctx => {
      const k = await remote(ctx);
      const b = await body(ctx);
      if (!Array.isArray(b.instances)) {
        throw bad('instances must be a list of instances (V1: {"instances": [[...], ...]})', 'instances');
      }
      if (k) {
        answer(ctx, await k.predict(ctx.caller.user, ctx.params.name, 'v1', b), false);
        return;
      }
      service.get(ctx.params.name);
      answer(ctx, await service.predict(ctx.params.name, b), false);
    }))
    .add('POST', '/api/deployments/:name/v2/infer', guarded(async ctx => {
      const k = await remote(ctx);
      const b = await body(ctx);
      if (!Array.isArray(b.inputs) || b.inputs.length === 0) {
        throw bad('inputs must be a non-empty list of tensors {name, shape, datatype, data}', 'inputs');
      }
      if (k) {
        answer(ctx, await k.predict(ctx.caller.user, ctx.params.name, 'v2', b), true);
        return;
      }
      service.get(ctx.params.name);
      answer(ctx, await service.infer(ctx.params.name, b), true);
    }))
    .add('POST', '/api/deployments/:name/feedback', guarded(async ctx => {
      const b = await body(ctx);
      const k = await remote(ctx);
      only(b, k ? ['version', 'reward'] : ['request_id', 'reward']);
      const reward = b.reward;
      if (typeof reward !== 'number' || !(reward >= 0 && reward <= 1)) {
        throw bad('reward must be a number from 0 to 1 (1: the answer was right)', 'reward');
      }
      if (k) {
        sendJson(ctx.res, 200, await k.feedback(ctx.caller.user, ctx.params.name, text(b, 'version'), reward));
        return;
      }
      const requestId = text(b, 'request_id');
      sendJson(ctx.res, 200, service.feedback(ctx.params.name, requestId, reward));
    }));
}
