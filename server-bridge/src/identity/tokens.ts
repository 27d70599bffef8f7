/**
 * Minting short-lived service-account tokens with the TokenRequest API, with
 * the bridge's own credentials, and caching them.
 *
 * - One token per (namespace, service account, audience): `kfp` asks for
 *   audience `pipelines.kubeflow.org`, `kube` omits audiences so the API
 *   server uses its own.
 * - `expirationSeconds: 600`, the smallest the API accepts: a leaked token
 *   is worth little for long.
 * - Cached until 60 s before it expires, so no request leaves with a token
 *   about to die; concurrent requests for the same key share one mint.
 * - Never logged, never returned: log lines name namespace, SA and audience.
 */
import type { Logger } from '../log';
import { KubeError, kubeErrorOf } from '../kube/errors';
import { loadK8s, KubeConfig } from './k8s';
import { Audience, IdentityResolver, KFP_AUDIENCE, TokenSource } from './types';

export const TOKEN_SECONDS = 600;
export const EXPIRY_MARGIN_MS = 60_000;

export interface TokenKey {
  namespace: string;
  serviceAccount: string;
  audience: Audience;
}

export interface MintedToken {
  token: string;
  /** Milliseconds since the epoch, as the API server said. */
  expiresAt: number;
}

export type Mint = (key: TokenKey) => Promise<MintedToken>;

export class TokenCache {
  private tokens = new Map<string, MintedToken>();
  private inFlight = new Map<string, Promise<MintedToken>>();

  constructor(
    private mint: Mint,
    private now: () => number = Date.now,
    private margin = EXPIRY_MARGIN_MS
  ) {}

  async get(key: TokenKey): Promise<string> {
    const id = `${key.namespace}\0${key.serviceAccount}\0${key.audience}`;
    const cached = this.tokens.get(id);
    if (cached && cached.expiresAt - this.margin > this.now()) {
      return cached.token;
    }
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.mint(key).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    const minted = await pending;
    this.tokens.set(id, minted);
    return minted.token;
  }

  /** Forget a token the API server no longer accepts (e.g. its SA was recreated). */
  drop(key: TokenKey): void {
    this.tokens.delete(`${key.namespace}\0${key.serviceAccount}\0${key.audience}`);
  }
}

/** A Mint that calls TokenRequest as the bridge (`bridge` is the bridge's own KubeConfig). */
export async function tokenRequestMint(bridge: KubeConfig, log: Logger, now: () => number = Date.now): Promise<Mint> {
  const k8s = await loadK8s();
  const core = bridge.makeApiClient(k8s.CoreV1Api);
  return async ({ namespace, serviceAccount, audience }) => {
    // No audiences (an empty list): the API server gives its own (`kube`).
    const spec = { audiences: audience === 'kfp' ? [KFP_AUDIENCE] : [], expirationSeconds: TOKEN_SECONDS };
    let answer;
    try {
      answer = await core.createNamespacedServiceAccountToken({ name: serviceAccount, namespace, body: { spec } });
    } catch (err) {
      const refused = kubeErrorOf(err, { verb: 'create', resource: 'serviceaccounts/token', namespace, name: serviceAccount });
      log.warning('token request refused', { namespace, serviceAccount, audience, status: refused.status });
      throw refused;
    }
    const token = answer.status?.token;
    if (!token) {
      throw new KubeError(502, `the API server returned no token for service account ${serviceAccount} in namespace ${namespace}`);
    }
    const expiry = answer.status?.expirationTimestamp;
    const expiresAt = expiry ? new Date(expiry).getTime() : now() + TOKEN_SECONDS * 1000;
    log.info('token minted', { namespace, serviceAccount, audience, expiresAt: new Date(expiresAt).toISOString() });
    return { token, expiresAt };
  };
}

/** Shared mode: resolve the user, then a cached TokenRequest token for their SA. */
export class MintingTokenSource implements TokenSource {
  constructor(
    private resolver: IdentityResolver,
    private cache: TokenCache
  ) {}

  async token(user: string, audience: Audience): Promise<string> {
    const { namespace, serviceAccount } = await this.resolver.resolve(user);
    return this.cache.get({ namespace, serviceAccount, audience });
  }
}
