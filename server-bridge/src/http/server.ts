/**
 * The bridge's HTTP and WebSocket front door. Every request, the WebSocket
 * upgrade included, must come from the Jupyter server extension (the secret)
 * or a kernel (the kernel token); anything else gets 401 and a log line that
 * names the method and path only, never a header.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthConfig, authenticate } from './auth';
import { sendError } from './respond';
import { RouteContext, Router } from './router';
import { health } from './health';
import { EventHub } from '../events/hub';
import type { LocalEngine } from '../engines/local/engine';
import type { KubeflowEngine } from '../engines/kubeflow/engine';
import { addRunRoutes } from './runs';
import { addIdentityRoutes } from './identity';
import { addKubeObjectRoutes } from './kube-objects';
import { addDeploymentRoutes } from './deployments';
import type { DeploymentService } from '../serving/service';
import { kserveTarget } from '../serving/kserve/setup';
import type { KServeSettings } from '../serving/kserve/types';
import { addStudyRoutes } from './studies';
import type { StudyManager } from '../tuning/manager';
import { KatibCluster, katibStudies, katibWatches } from '../tuning/katib-study';
import { Identity, NO_IDENTITY } from '../identity/setup';
import type { Logger } from '../log';
import { ENGINES, VERSION } from '../version';

export const EVENTS_PATH = '/api/events';

export interface BridgeServer {
  http: Server;
  events: EventHub;
  router: Router;
  close(): Promise<void>;
}

export interface BridgeServerOptions {
  /** The local engine: `/api/runs`, and its run and task events on the socket. */
  engine?: LocalEngine;
  /** Why there is no engine (e.g. a Node without node:sqlite): runs answer 503 saying so. */
  engineError?: string;
  /**
   * Who users are on Kubeflow and how to get their tokens (identity/setup.ts):
   * `/api/identity`, and Katib/KServe objects created as the user. Default: none.
   */
  identity?: Identity;
  /** The kubeflow engine (a KFP endpoint and an identity mode); shares the local engine's history. */
  kubeflow?: KubeflowEngine;
  /** Local model serving: `/api/deployments`, and `deployment` events. */
  deployments?: DeploymentService;
  /** The Kubeflow deployment target's settings (KServe mode, storage SA); needs an identity. */
  kserve?: KServeSettings;
  /** Tuning studies (needs the local engine): `/api/studies`, and `study` / `trial` events. */
  studies?: StudyManager;
  /** Katib studies' cluster calls (default: as the user, with identity's scoped token); for tests. */
  katibCluster?: KatibCluster;
}

export function createBridgeServer(auth: AuthConfig, log: Logger, options: BridgeServerOptions = {}): BridgeServer {
  const kubeflow = options.engine ? options.kubeflow : undefined;
  const engines = kubeflow ? [...ENGINES, 'kubeflow'] : ENGINES;
  const router = new Router().add('GET', '/api/health', health(engines));
  const events = new EventHub({ version: VERSION, engines }, log);
  const unsubscribers = [options.engine, kubeflow].map(engine => engine?.onEvent(event => events.publish(event)));
  if (options.deployments) {
    unsubscribers.push(options.deployments.onEvent(event => events.publish(event)));
    // Kubeflow deployments: their status goes only to the users who may see them.
    const target = options.engine
      ? kserveTarget(options.identity ?? NO_IDENTITY, options.engine, options.kserve, (event, users) => events.publish(event, caller => users.has(caller.user)), log)
      : 'the local engine is unavailable';
    if (typeof target === 'object') {
      unsubscribers.push(() => target.close());
    }
    addDeploymentRoutes(router, options.deployments, target);
  }
  if (options.engine) {
    addRunRoutes(router, { local: options.engine, kubeflow });
  } else if (options.engineError) {
    const unavailable = (ctx: RouteContext) =>
      sendError(ctx.res, 503, `the local engine is unavailable: ${options.engineError}`);
    for (const method of ['GET', 'POST']) {
      router.add(method, '/api/runs', unavailable).add(method, '/api/runs/:id', unavailable);
    }
  }

  const identity = options.identity ?? NO_IDENTITY;
  addIdentityRoutes(router, identity, kubeflow?.options.endpoint);
  if (options.studies && options.engine) {
    unsubscribers.push(options.studies.onEvent(event => events.publish(event)));
    // Katib studies: recorded and watched as their user; their events go to that user only.
    const watches = katibWatches(identity, options.studies.store, (event, users) => events.publish(event, caller => users.has(caller.user)), log);
    unsubscribers.push(() => watches?.close());
    const rootDir = options.engine.options.rootDir;
    addStudyRoutes(router, options.studies, rootDir, katibStudies(identity, rootDir, options.katibCluster, watches), watches);
  }
  // Object status goes only to the users who created or read the object.
  const stopWatches = addKubeObjectRoutes(router, identity, (event, users) => events.publish(event, caller => users.has(caller.user)), log);

  const http = createServer((req, res) => {
    handle(req, res).catch(err => {
      log.error('request failed', { method: req.method, path: pathOf(req), error: String(err) });
      if (!res.headersSent) {
        sendError(res, 500, 'internal error in the bridge');
      } else {
        res.destroy();
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = authenticate(req.headers, auth);
    const url = new URL(req.url ?? '/', 'http://bridge');
    if (!caller) {
      log.warning('unauthorized request', { method: req.method, path: url.pathname });
      sendError(res, 401, 'not authenticated');
      return;
    }
    const found = router.match(req.method ?? 'GET', url.pathname);
    if (found === null) {
      sendError(res, 404, `no such endpoint: ${url.pathname}`);
      return;
    }
    if (found === 'method') {
      sendError(res, 405, `method ${req.method} not allowed on ${url.pathname}`);
      return;
    }
    await found.handler({ req, res, caller, params: found.params, url });
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = pathOf(req);
    const caller = authenticate(req.headers, auth);
    if (!caller) {
      log.warning('unauthorized request', { method: 'WEBSOCKET', path });
      refuse(socket, 401, 'Unauthorized');
      return;
    }
    if (path !== EVENTS_PATH) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    events.server.handleUpgrade(req, socket, head, ws => events.accept(ws, caller));
  });

  return {
    http,
    events,
    router,
    close: () =>
      new Promise<void>(resolve => {
        unsubscribers.forEach(unsubscribe => unsubscribe?.());
        stopWatches();
        events.close();
        http.closeAllConnections();
        http.close(() => resolve());
      })
  };
}

function pathOf(req: IncomingMessage): string {
  // Only the path: a query string may carry a Jupyter token.
  return new URL(req.url ?? '/', 'http://bridge').pathname;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
