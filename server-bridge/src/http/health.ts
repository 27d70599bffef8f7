/** `GET /api/health`: what the panel shows about the bridge. */
import type { RouteContext } from './router';
import { sendJson } from './respond';
import { ENGINES, VERSION } from '../version';
import type { BridgeHealth } from '../../../core/src/protocol';

export function health(ctx: RouteContext): void {
  const body: BridgeHealth = { version: VERSION, engines: ENGINES, user: ctx.caller.user };
  sendJson(ctx.res, 200, body);
}
