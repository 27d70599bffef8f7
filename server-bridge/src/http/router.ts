/**
 * A tiny method + path router: the HTTP layer only validates and routes;
 * the work happens in the engines and back ends that routes call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from './auth';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  caller: Caller;
  params: { [name: string]: string };
  url: URL;
}

export type Handler = (ctx: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  /** `path` may hold `:name` segments, e.g. `/api/runs/:id`. */
  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** The handler for a request, `'method'` when only the method is wrong. */
  match(
    method: string,
    path: string
  ): { handler: Handler; params: { [name: string]: string } } | 'method' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) {
        continue;
      }
      pathMatched = true;
      if (route.method === method) {
        const params: { [name: string]: string } = {};
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
        return { handler: route.handler, params };
      }
    }
    return pathMatched ? 'method' : null;
  }
}
