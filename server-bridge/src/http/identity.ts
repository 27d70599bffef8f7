/**
 * `GET /api/identity`: who the bridge will act as for this user on Kubeflow,
 * for the panel to show before anything runs. Never a token.
 *
 *   {mode: 'pod'|'shared', user, namespace, serviceAccount}
 *   {mode: 'none', reason}              Kubeflow is not available here
 *   403 {error}                         shared mode, and nobody mapped this user
 */
import type { Identity } from '../identity/setup';
import { IdentityError } from '../identity/types';
import { sendError, sendJson } from './respond';
import type { Router } from './router';

export function addIdentityRoutes(router: Router, identity: Identity): void {
  router.add('GET', '/api/identity', async ctx => {
    if (identity.mode === 'none') {
      sendJson(ctx.res, 200, { mode: 'none', reason: identity.reason });
      return;
    }
    try {
      const { mode, user, namespace, serviceAccount } = await identity.resolver.resolve(ctx.caller.user);
      sendJson(ctx.res, 200, { mode, user, namespace, serviceAccount });
    } catch (err) {
      if (err instanceof IdentityError) {
        sendError(ctx.res, err.status, err.message);
        return;
      }
      throw err;
    }
  });
}
