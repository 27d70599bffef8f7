/**
 * `GET /api/identity`: who the bridge will act as for this user on Kubeflow,
 * for the panel to show before anything runs. Never a token.
 *
 *   {mode: 'pod'|'shared', user, namespace, serviceAccount, kfpEndpoint?}
 *   {mode: 'none', reason}              Kubeflow is not available here
 *
 * `kfpEndpoint` (when the kubeflow engine is on) is the KFP URL the bridge
 * sends the user's token to: shown read-only in the panel, chosen only by
 * the server's configuration. A URL, not a secret.
 *   403 {error}                         shared mode, and nobody mapped this user
 */
import type { Identity } from '../identity/setup';
import { IdentityError } from '../identity/types';
import { sendError, sendJson } from './respond';
import type { Router } from './router';

export function addIdentityRoutes(router: Router, identity: Identity, kfpEndpoint?: string): void {
  router.add('GET', '/api/identity', async ctx => {
    if (identity.mode === 'none') {
      sendJson(ctx.res, 200, { mode: 'none', reason: identity.reason });
      return;
    }
    try {
      const { mode, user, namespace, serviceAccount } = await identity.resolver.resolve(ctx.caller.user);
      sendJson(ctx.res, 200, { mode, user, namespace, serviceAccount, ...(kfpEndpoint ? { kfpEndpoint } : {}) });
    } catch (err) {
      if (err instanceof IdentityError) {
        sendError(ctx.res, err.status, err.message);
        return;
      }
      throw err;
    }
  });
}
