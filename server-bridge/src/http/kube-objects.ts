/**
 * Katib Experiments and KServe InferenceServices in the user's namespace.
 * This layer checks the request and routes; kube/objects.ts does the calls,
 * as the user, and kube/watch.ts reports status changes on the events socket.
 *
 *   POST /api/katib/experiments              body: an Experiment          -> 201 the object
 *   GET  /api/katib/experiments/:name                                     -> 200 the object
 *   POST /api/kserve/inferenceservices       body: an InferenceService    -> 201 the object
 *   GET  /api/kserve/inferenceservices/:name                              -> 200 the object
 *
 * A body must carry exactly the kind's apiVersion and kind, a DNS-1123
 * metadata.name, a spec, and no namespace but the user's own: any other
 * namespace is refused here (403) before the cluster is asked. Creating or
 * reading an object starts its status watch for that user.
 */
import type { Identity } from '../identity/setup';
import { IdentityError } from '../identity/types';
import { KubeError } from '../kube/errors';
import { EXPERIMENT, INFERENCE_SERVICE, KubeObject, KubeObjects, ObjectKind, resourceOf } from '../kube/objects';
import { Publish, StartWatch, StatusWatches } from '../kube/watch';
import type { Logger } from '../log';
import { BodyError, readJsonBody } from './body';
import { sendError, sendJson } from './respond';
import type { RouteContext, Router } from './router';

/** A request the bridge refuses itself: 400 (malformed) or 403 (not your namespace). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status: 400 | 403 = 400
  ) {
    super(message);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** KServe names become Service and host names: they must also start with a letter. */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'spec'];

type Obj = { [key: string]: unknown };
const a = (kind: ObjectKind) => `${/^[AEIOU]/.test(kind.kind) ? 'an' : 'a'} ${kind.kind}`;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkName(kind: ObjectKind, name: unknown, field: string): string {
  const pattern = kind === INFERENCE_SERVICE ? DNS_1035 : DNS_LABEL;
  if (typeof name !== 'string' || name.length > 63 || !pattern.test(name)) {
    const rule = kind === INFERENCE_SERVICE
      ? 'a DNS-1035 label: at most 63 lowercase letters, digits and -, starting with a letter and ending with a letter or digit'
      : 'a DNS-1123 label: at most 63 lowercase letters, digits and -, starting and ending with a letter or digit';
    throw new RequestError(`${field} must be ${rule}, not ${JSON.stringify(name)}`, field);
  }
  return name;
}

/** The body as an object of `kind` for `namespace`, or a RequestError naming the field. */
export function checkObject(kind: ObjectKind, body: unknown, namespace: string): KubeObject {
  if (!isObj(body)) {
    throw new RequestError(`the body must be ${a(kind)} object`, 'body');
  }
  if (body.apiVersion !== kind.apiVersion) {
    throw new RequestError(`apiVersion must be '${kind.apiVersion}', not ${JSON.stringify(body.apiVersion)}`, 'apiVersion');
  }
  if (body.kind !== kind.kind) {
    throw new RequestError(`kind must be '${kind.kind}', not ${JSON.stringify(body.kind)}`, 'kind');
  }
  const extra = Object.keys(body).find(k => !TOP_LEVEL.includes(k));
  if (extra !== undefined) {
    throw new RequestError(`unknown top-level field ${extra} (expected ${TOP_LEVEL.join(', ')}; status is the controller's)`, extra);
  }
  const metadata = body.metadata;
  if (!isObj(metadata)) {
    throw new RequestError('metadata must be an object with a name', 'metadata');
  }
  checkName(kind, metadata.name, 'metadata.name');
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    throw new RequestError(
      `you may create ${a(kind)} only in your namespace '${namespace}', not in ${JSON.stringify(metadata.namespace)}`,
      'metadata.namespace',
      403
    );
  }
  if (!isObj(body.spec)) {
    throw new RequestError(`spec must be an object (the ${kind.kind}'s specification)`, 'spec');
  }
  return body as KubeObject;
}

function guarded(handler: (ctx: RouteContext) => Promise<void>) {
  return async (ctx: RouteContext) => {
    try {
      await handler(ctx);
    } catch (err) {
      if (err instanceof RequestError) {
        sendError(ctx.res, err.status, err.message, err.field);
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

const ROUTES: [string, ObjectKind][] = [
  ['/api/katib/experiments', EXPERIMENT],
  ['/api/kserve/inferenceservices', INFERENCE_SERVICE]
];

/** Registers the routes; returns what stops the watches when the bridge closes. */
export function addKubeObjectRoutes(
  router: Router,
  identity: Identity,
  publish: Publish,
  log: Logger,
  startWatch?: StartWatch
): () => void {
  if (identity.mode === 'none') {
    const unavailable = guarded(async () => {
      throw new IdentityError(identity.reason, 503);
    });
    for (const [path] of ROUTES) {
      router.add('POST', path, unavailable).add('GET', `${path}/:name`, unavailable);
    }
    return () => undefined;
  }
  const objects = new KubeObjects(identity.kube);
  const watches = new StatusWatches(identity.kube, publish, log, startWatch);
  for (const [path, kind] of ROUTES) {
    router
      .add('POST', path, guarded(async ctx => {
        const body = await readJsonBody(ctx.req);
        // Unknown users stop here (403), before their body is even looked at.
        const { namespace } = await identity.resolver.resolve(ctx.caller.user);
        const checked = checkObject(kind, body, namespace);
        const { object } = await objects.create(ctx.caller.user, kind, checked);
        log.info('created', { resource: resourceOf(kind), namespace, name: object.metadata.name, user: ctx.caller.user });
        watches.follow(ctx.caller.user, kind, object);
        sendJson(ctx.res, 201, object);
      }))
      .add('GET', `${path}/:name`, guarded(async ctx => {
        const name = checkName(kind, ctx.params.name, 'name');
        const { object } = await objects.get(ctx.caller.user, kind, name);
        watches.follow(ctx.caller.user, kind, object);
        sendJson(ctx.res, 200, object);
      }));
  }
  return () => watches.close();
}
