/**
 * Shared mode's mapping file (YAML or JSON; YAML is a superset):
 *
 *   users:
 *     alice: {namespace: team-a, serviceAccount: default-editor}
 *     bob@example.com: {namespace: team-b}        # serviceAccount defaults to default-editor
 *
 * The file is read at start (a bad file stops `serve` with a message naming
 * the entry) and again whenever its mtime changes, so an admin can edit the
 * ConfigMap it is mounted from without restarting the bridge; a bad edit is
 * logged and the last good mapping stays.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import type { Logger } from '../log';

export const DEFAULT_SERVICE_ACCOUNT = 'default-editor';

/** DNS-1123 label: namespaces and service-account names (the latter may be subdomains; labels suffice). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface Mapped {
  namespace: string;
  serviceAccount: string;
}

export class MappingError extends Error {}

/** Parse and check a mapping document; errors name the user and field. */
export function parseMapping(text: string, source = 'the user map'): Map<string, Mapped> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new MappingError(`${source} is not YAML or JSON: ${(err as Error).message}`);
  }
  const users = (doc as { users?: unknown } | null)?.users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) {
    throw new MappingError(`${source} must hold an object 'users: {name: {namespace, serviceAccount}}'`);
  }
  const out = new Map<string, Mapped>();
  for (const [user, entry] of Object.entries(users as object)) {
    const e = entry as { namespace?: unknown; serviceAccount?: unknown } | null;
    if (typeof e !== 'object' || e === null) {
      throw new MappingError(`${source}: users.${user} must be an object {namespace, serviceAccount}`);
    }
    const unknown = Object.keys(e).filter(k => k !== 'namespace' && k !== 'serviceAccount');
    if (unknown.length > 0) {
      throw new MappingError(`${source}: users.${user}.${unknown[0]} is not a known field (namespace, serviceAccount)`);
    }
    if (typeof e.namespace !== 'string' || e.namespace.length > 63 || !DNS_LABEL.test(e.namespace)) {
      throw new MappingError(`${source}: users.${user}.namespace must be a namespace name, not ${JSON.stringify(e.namespace)}`);
    }
    const sa = e.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT;
    if (typeof sa !== 'string' || sa.length > 253 || !DNS_SUBDOMAIN.test(sa)) {
      throw new MappingError(`${source}: users.${user}.serviceAccount must be a service-account name, not ${JSON.stringify(sa)}`);
    }
    out.set(user, { namespace: e.namespace, serviceAccount: sa });
  }
  return out;
}

/** The mapping file on disk, re-read when it changes. */
export class MappingFile {
  private users: Map<string, Mapped>;
  private mtime: number;

  constructor(
    readonly path: string,
    private log: Logger
  ) {
    this.mtime = statSync(path).mtimeMs;
    this.users = parseMapping(readFileSync(path, 'utf-8'), path);
  }

  get size(): number {
    return this.users.size;
  }

  lookup(user: string): Mapped | undefined {
    this.refresh();
    return this.users.get(user);
  }

  private refresh(): void {
    let mtime: number;
    try {
      mtime = statSync(this.path).mtimeMs;
    } catch (err) {
      // Mid-update of a mounted ConfigMap the path may briefly vanish.
      return;
    }
    if (mtime === this.mtime) {
      return;
    }
    this.mtime = mtime;
    try {
      this.users = parseMapping(readFileSync(this.path, 'utf-8'), this.path);
      this.log.info('user map reloaded', { path: this.path, users: this.users.size });
    } catch (err) {
      this.log.error('user map not reloaded; keeping the last good one', { path: this.path, error: (err as Error).message });
    }
  }
}
