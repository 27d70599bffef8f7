/**
 * Kubernetes clients that act as the user, never as the bridge: a KubeConfig
 * whose cluster (server, CA, TLS settings) is the bridge's own and whose user
 * is the user's short-lived `kube`-audience token. So every Kubernetes call
 * made for a user runs as that user's service account, and the cluster's RBAC
 * is the last word on what it may do.
 * A fresh KubeConfig per call: the token inside may have been re-minted.
 */
import { loadK8s, KubeConfig } from './k8s';
import type { IdentityResolver, TokenSource, UserIdentity } from './types';

export interface ScopedKube {
  /** The user's identity and a KubeConfig carrying their token (keep neither beyond the call). */
  forUser(user: string): Promise<{ identity: UserIdentity; config: KubeConfig }>;
}

export class ScopedKubeFactory implements ScopedKube {
  constructor(
    private bridge: KubeConfig,
    private resolver: IdentityResolver,
    private tokens: TokenSource
  ) {}

  async forUser(user: string): Promise<{ identity: UserIdentity; config: KubeConfig }> {
    const identity = await this.resolver.resolve(user);
    const token = await this.tokens.token(user, 'kube');
    const cluster = this.bridge.getCurrentCluster();
    if (!cluster) {
      throw new Error('the bridge has no current cluster');
    }
    const k8s = await loadK8s();
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ ...cluster, name: 'cluster' }],
      users: [{ name: `${identity.namespace}:${identity.serviceAccount}`, token }],
      contexts: [{ name: 'user', cluster: 'cluster', user: `${identity.namespace}:${identity.serviceAccount}`, namespace: identity.namespace }],
      currentContext: 'user'
    });
    return { identity, config };
  }
}
