/**
 * List+watch of the objects a selector picks in one namespace (Katib's
 * Trials of an Experiment: label `katib.kubeflow.org/experiment=<name>`),
 * as one user: every ADDED/MODIFIED/DELETED goes to `onObject`. watch.ts
 * follows one object's status and publishes it as `kube` events; a study
 * needs every object of a set and its whole body, so this is its own small
 * loop with the same rules:
 *
 * - The user's token is fetched again on every (re)connect (tokens live ten
 *   minutes; the API server ends watches after about half an hour).
 * - The first connect has no resourceVersion, so the API server sends the
 *   current objects as ADDED first (the "list"), then changes. Reconnects
 *   resume from the last resourceVersion; after 410 Gone, from scratch
 *   (ADDED again for everything: the consumer must treat ADDED as an upsert).
 * - Back-off up to 30 s; 401/403/404 stop the watch (the user may no longer
 *   list these, or the kind is gone) with a log line naming no credential.
 */
import { loadK8s } from '../identity/k8s';
import type { KubeConfig } from '../identity/k8s';
import type { ScopedKube } from '../identity/scoped';
import { IdentityError } from '../identity/types';
import type { Logger } from '../log';
import type { KubeObject, ObjectKind } from './objects';
import type { StartWatch } from './watch';

export type WatchPhase = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListWatchTarget {
  /** Whose token the watch runs with. */
  user: string;
  kind: ObjectKind;
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
}

const realWatch: StartWatch = async (config, path, params, onEvent, onDone) => {
  const k8s = await loadK8s();
  return new k8s.Watch(config).watch(path, params, onEvent, onDone);
};

export class ListWatch {
  private resourceVersion?: string;
  private abort?: AbortController;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(
    private kube: ScopedKube,
    readonly target: ListWatchTarget,
    private onObject: (phase: WatchPhase, object: KubeObject) => void,
    private log: Logger,
    private startWatch: StartWatch = realWatch,
    /** Called once when the watch gives up for good (not on stop()). */
    private onGiveUp: (status: number | undefined) => void = () => undefined
  ) {}

  start(): this {
    void this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private where() {
    const t = this.target;
    return { kind: t.kind.kind, namespace: t.namespace, selector: t.labelSelector ?? t.fieldSelector };
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const t = this.target;
    let config: KubeConfig;
    try {
      ({ config } = await this.kube.forUser(t.user));
    } catch (err) {
      if (err instanceof IdentityError && err.status === 403) {
        this.log.warning('watch stopped: its user is no longer mapped', this.where());
        this.giveUp(403);
        return;
      }
      this.retry(err);
      return;
    }
    const path = `/apis/${t.kind.group}/${t.kind.version}/namespaces/${t.namespace}/${t.kind.plural}`;
    const params = {
      labelSelector: t.labelSelector,
      fieldSelector: t.fieldSelector,
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true
    };
    const onEvent = (phase: string, object: KubeObject) => {
      if (this.stopped) {
        return;
      }
      if (phase === 'ERROR') {
        // 410 Gone: our resourceVersion is too old; start over (ADDED brings the state).
        this.resourceVersion = undefined;
        return;
      }
      this.failures = 0;
      this.resourceVersion = (object?.metadata?.resourceVersion as string | undefined) ?? this.resourceVersion;
      if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') {
        try {
          this.onObject(phase, object);
        } catch (err) {
          this.log.error('watch consumer failed', { ...this.where(), error: (err as Error).message });
        }
      }
    };
    const onDone = (err: unknown) => {
      if (!this.stopped) {
        this.retry(err);
      }
    };
    try {
      this.abort = await this.startWatch(config, path, params, onEvent, onDone);
      if (this.stopped) {
        this.abort.abort();
      }
    } catch (err) {
      this.retry(err);
    }
  }

  private giveUp(status: number | undefined): void {
    if (!this.stopped) {
      this.stop();
      this.onGiveUp(status);
    }
  }

  private retry(err: unknown): void {
    if (this.stopped) {
      return;
    }
    const code = (err as { statusCode?: number; code?: number } | null)?.statusCode ?? (err as { code?: number } | null)?.code;
    if (code === 410) {
      this.resourceVersion = undefined;
    }
    if (code === 401 || code === 403 || code === 404) {
      this.log.warning('watch stopped', { ...this.where(), status: code });
      this.giveUp(code);
      return;
    }
    if (err) {
      this.failures += 1;
      this.log.warning('watch interrupted; reconnecting', { ...this.where(), status: code, failures: this.failures });
    }
    const delay = err ? Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6)) : 250;
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }
}
