/** `GET /api/health`: what the panel shows about the bridge. */
import type { RouteContext } from './router';
import { sendJson } from './respond';
import { ENGINES, VERSION } from '../version';

export interface Health {
  version: string;
  engines: readonly string[];
  user: string;
}

export function health(ctx: RouteContext): void {
  const body: Health = { version: VERSION, engines: ENGINES, user: ctx.caller.user };
  sendJson(ctx.res, 200, body);
}
