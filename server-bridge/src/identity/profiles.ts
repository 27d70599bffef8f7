/**
 * Kubeflow `Profile` objects (kubeflow.org/v1, cluster-scoped) as the user
 * directory: the profile whose `spec.owner.name` is the user names their
 * namespace (the profile's name), and the profile controller gives it the
 * service account `default-editor`. Read with the bridge's own credentials
 * (`get,list,watch` on profiles only) and kept for a few seconds, so a page
 * of requests costs one list.
 * A user owning several profiles gets the first by name (the choice is
 * logged); RBAC still decides what they may do there.
 */
import type { Logger } from '../log';
import { loadK8s, KubeConfig } from './k8s';
import { Mapped, DEFAULT_SERVICE_ACCOUNT } from './mapping';

export const PROFILES_TTL_MS = 15_000;

interface Profile {
  metadata?: { name?: string };
  spec?: { owner?: { kind?: string; name?: string } };
}

export type ListProfiles = () => Promise<Profile[]>;

export async function listProfilesWith(bridge: KubeConfig): Promise<ListProfiles> {
  const k8s = await loadK8s();
  const api = bridge.makeApiClient(k8s.CustomObjectsApi);
  return async () => {
    const list = (await api.listClusterCustomObject({ group: 'kubeflow.org', version: 'v1', plural: 'profiles' })) as { items?: Profile[] };
    return list.items ?? [];
  };
}

export class ProfileDirectory {
  private cached?: { at: number; owners: Map<string, string[]> };

  constructor(
    private list: ListProfiles,
    private log: Logger,
    private now: () => number = Date.now,
    private ttl = PROFILES_TTL_MS
  ) {}

  /** The user's profile namespace, or undefined; rejects when profiles cannot be read. */
  async lookup(user: string): Promise<Mapped | undefined> {
    if (!this.cached || this.now() - this.cached.at > this.ttl) {
      const owners = new Map<string, string[]>();
      for (const p of await this.list()) {
        const owner = p.spec?.owner?.name;
        const name = p.metadata?.name;
        if (owner && name) {
          owners.set(owner, [...(owners.get(owner) ?? []), name].sort());
        }
      }
      this.cached = { at: this.now(), owners };
    }
    const namespaces = this.cached.owners.get(user);
    if (!namespaces) {
      return undefined;
    }
    if (namespaces.length > 1) {
      this.log.info('user owns several profiles; using the first', { user, namespaces });
    }
    return { namespace: namespaces[0], serviceAccount: DEFAULT_SERVICE_ACCOUNT };
  }
}
