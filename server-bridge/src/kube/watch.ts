/**
 * One watch per object the bridge created or was asked about: when the
 * object's `status` changes, every user who may see it (who created or read
 * it through the bridge, so RBAC already let them) gets
 *   {type: 'kube', kind, name, namespace, status}
 * on the events socket ({..., deleted: true} once, when it goes away).
 *
 * A watch runs with the token of the user who started it, fetched again on
 * every reconnect (tokens live ten minutes; the API server ends watches
 * after about half an hour anyway). Reconnects back off up to 30 s and
 * resume from the last resourceVersion (from scratch after 410 Gone).
 * At most MAX_WATCHES run; the oldest goes first.
 */
import { loadK8s } from '../identity/k8s';
import type { KubeConfig } from '../identity/k8s';
import type { ScopedKube } from '../identity/scoped';
import { IdentityError } from '../identity/types';
import type { Logger } from '../log';
import type { KubeObject, ObjectKind } from './objects';

export const MAX_WATCHES = 256;

export interface KubeStatusEvent {
  type: 'kube';
  kind: string;
  name: string;
  namespace: string;
  status: unknown;
  deleted?: boolean;
  [key: string]: unknown;
}

/** Deliver `event` to the sockets of these users only. */
export type Publish = (event: KubeStatusEvent, users: ReadonlySet<string>) => void;

export type StartWatch = (
  config: KubeConfig,
  path: string,
  params: Record<string, string | boolean | undefined>,
  onEvent: (phase: string, object: KubeObject) => void,
  onDone: (err: unknown) => void
) => Promise<AbortController>;

const realWatch: StartWatch = async (config, path, params, onEvent, onDone) => {
  const k8s = await loadK8s();
  return new k8s.Watch(config).watch(path, params, onEvent, onDone);
};

interface Followed {
  owner: string;
  viewers: Set<string>;
  kind: ObjectKind;
  namespace: string;
  name: string;
  status: string;
  resourceVersion?: string;
  abort?: AbortController;
  failures: number;
  stopped: boolean;
  timer?: NodeJS.Timeout;
}

export class StatusWatches {
  private followed = new Map<string, Followed>();

  constructor(
    private kube: ScopedKube,
    private publish: Publish,
    private log: Logger,
    private startWatch: StartWatch = realWatch,
    private max = MAX_WATCHES
  ) {}

  get size(): number {
    return this.followed.size;
  }

  /** Follow `object` for `user` (idempotent: another user just joins the viewers). */
  follow(user: string, kind: ObjectKind, object: KubeObject): void {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    const key = `${kind.plural}.${kind.group}/${namespace}/${name}`;
    const known = this.followed.get(key);
    if (known) {
      known.viewers.add(user);
      return;
    }
    if (this.followed.size >= this.max) {
      const [oldest] = this.followed.keys();
      this.stop(oldest);
    }
    const f: Followed = {
      owner: user,
      viewers: new Set([user]),
      kind,
      namespace,
      name,
      status: JSON.stringify(object.status ?? null),
      resourceVersion: (object.metadata.resourceVersion as string | undefined) ?? undefined,
      failures: 0,
      stopped: false
    };
    this.followed.set(key, f);
    void this.connect(key, f);
  }

  close(): void {
    for (const key of [...this.followed.keys()]) {
      this.stop(key);
    }
  }

  private stop(key: string): void {
    const f = this.followed.get(key);
    if (!f) {
      return;
    }
    f.stopped = true;
    clearTimeout(f.timer);
    f.abort?.abort();
    this.followed.delete(key);
  }

  private async connect(key: string, f: Followed): Promise<void> {
    if (f.stopped) {
      return;
    }
    const where = { kind: f.kind.kind, namespace: f.namespace, name: f.name };
    let config: KubeConfig;
    try {
      ({ config } = await this.kube.forUser(f.owner));
    } catch (err) {
      if (err instanceof IdentityError && err.status === 403) {
        this.log.warning('watch stopped: its user is no longer mapped', where);
        this.stop(key);
        return;
      }
      this.retry(key, f, err);
      return;
    }
    const path = `/apis/${f.kind.group}/${f.kind.version}/namespaces/${f.namespace}/${f.kind.plural}`;
    const params = { fieldSelector: `metadata.name=${f.name}`, resourceVersion: f.resourceVersion, allowWatchBookmarks: true };
    const onEvent = (phase: string, object: KubeObject) => {
      if (phase === 'ERROR') {
        // 410 Gone: our resourceVersion is too old; start over (ADDED brings the state).
        f.resourceVersion = undefined;
        return;
      }
      f.failures = 0;
      f.resourceVersion = (object?.metadata?.resourceVersion as string | undefined) ?? f.resourceVersion;
      if (phase === 'BOOKMARK') {
        return;
      }
      if (phase === 'DELETED') {
        this.publish({ type: 'kube', kind: f.kind.kind, name: f.name, namespace: f.namespace, status: object?.status ?? null, deleted: true }, f.viewers);
        this.stop(key);
        return;
      }
      const status = JSON.stringify(object?.status ?? null);
      if (status !== f.status) {
        f.status = status;
        this.publish({ type: 'kube', kind: f.kind.kind, name: f.name, namespace: f.namespace, status: object?.status ?? null }, f.viewers);
      }
    };
    const onDone = (err: unknown) => {
      if (!f.stopped) {
        this.retry(key, f, err);
      }
    };
    try {
      f.abort = await this.startWatch(config, path, params, onEvent, onDone);
      if (f.stopped) {
        f.abort.abort();
      }
    } catch (err) {
      this.retry(key, f, err);
    }
  }

  private retry(key: string, f: Followed, err: unknown): void {
    if (f.stopped) {
      return;
    }
    const code = (err as { statusCode?: number; code?: number } | null)?.statusCode ?? (err as { code?: number } | null)?.code;
    if (code === 410) {
      f.resourceVersion = undefined;
    }
    if (code === 401 || code === 403 || code === 404) {
      // The user may no longer watch it (or its kind is gone): nothing to retry.
      this.log.warning('watch stopped', { kind: f.kind.kind, namespace: f.namespace, name: f.name, status: code });
      this.stop(key);
      return;
    }
    if (err) {
      f.failures += 1;
      this.log.warning('watch interrupted; reconnecting', { kind: f.kind.kind, namespace: f.namespace, name: f.name, status: code, failures: f.failures });
    }
    const delay = err ? Math.min(30_000, 500 * 2 ** Math.min(f.failures, 6)) : 250;
    f.timer = setTimeout(() => void this.connect(key, f), delay);
    f.timer.unref();
  }
}
