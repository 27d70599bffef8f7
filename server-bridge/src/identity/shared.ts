/**
 * Shared mode's resolver: the mapping file first (an admin's explicit word),
 * then Kubeflow Profiles. A user neither knows gets a 403 that says so; when
 * the profiles could not be read, the message says that too, and the log
 * line gives the API server's reason.
 */
import type { Logger } from '../log';
import type { MappingFile } from './mapping';
import type { ProfileDirectory } from './profiles';
import { IdentityError, IdentityResolver, UserIdentity } from './types';

export class SharedResolver implements IdentityResolver {
  constructor(
    private mapping: MappingFile | undefined,
    private profiles: ProfileDirectory | undefined,
    private log: Logger
  ) {}

  async resolve(user: string): Promise<UserIdentity> {
    const mapped = this.mapping?.lookup(user);
    if (mapped) {
      return { user, ...mapped, mode: 'shared' };
    }
    if (this.profiles) {
      let found;
      try {
        found = await this.profiles.lookup(user);
      } catch (err) {
        this.log.warning('cannot read Kubeflow profiles', { user, status: (err as { code?: unknown }).code, error: (err as Error).message?.split('\n')[0] });
        throw new IdentityError(`user '${user}' is not in the bridge's user map, and Kubeflow profiles could not be read; ask your Kubeflow admin to map you`);
      }
      if (found) {
        return { user, ...found, mode: 'shared' };
      }
    }
    const where = [this.mapping && 'the bridge\'s user map', this.profiles && 'any Kubeflow profile\'s owner'].filter(Boolean).join(' or ');
    throw new IdentityError(`user '${user}' is not known to the Kubeflow bridge (not in ${where}); ask your Kubeflow admin to map you to a namespace`);
  }
}
