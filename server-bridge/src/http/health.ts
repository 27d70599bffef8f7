/** `GET /api/health`: what the panel shows about the bridge. */
import type { RouteContext } from './router';
import { sendJson } from './respond';
import { ENGINES, VERSION } from '../version';
import type { BridgeHealth } from '../../../core/src/protocol';

/** `engines`: `local`, and `kubeflow` when the bridge has a KFP endpoint and an identity mode. */
export function health(engines: readonly string[] = ENGINES) {
  return (ctx: RouteContext): void => {
    const body: BridgeHealth = { version: VERSION, engines, user: ctx.caller.user };
    sendJson(ctx.res, 200, body);
  };
}
