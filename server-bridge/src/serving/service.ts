/**
 * Local deployments: the facade the API and the CLI drive. It keeps the
 * records (store.ts), runs one KServe model server per live version
 * (pool.ts), routes requests (traffic.ts + policy.ts), applies the gate
 * (gate.ts) and emits `{type: 'deployment'}` events. It knows nothing of
 * HTTP; refusals are EngineErrors with a status and a field.
 */
import { join } from 'node:path';
import type { LocalEngine } from '../engines/local/engine';
import { EngineError } from '../engines/local/types';
import { checkGate, GateResult } from './gate';
import { LOOPBACK, PoolOptions, ServerPool } from './pool';
import { DeploymentStore } from './store';
import { Traffic } from './traffic';
import type {
  DeploymentEvent, DeploymentRecord, DeploymentView, Gate, Role, Routing, VersionRecord
} from './types';
import { versionFromRun } from './versions';

/** The gate refused: 409 with both numbers. */
export class GateRefused extends EngineError {
  constructor(readonly result: GateResult) {
    super(`promotion refused: ${result.reason}`, 409, 'gate');
  }
}

export interface DeployRequest {
  run: string;
  output: string;
  name: string;
  role: 'champion' | 'challenger';
  user?: string | null;
  /** New deployments: how traffic is split (default: all to the champion). */
  routing?: Routing;
  /** New deployments: the gate every promotion must pass. */
  gate?: Gate | null;
  /** A challenger's share under a fixed split (0 to 100). */
  challengerPercent?: number;
  /** A challenger that passes this gate replaces the champion at once; one that fails changes nothing. */
  promoteIf?: Gate;
  /** Answer once the new version's server is ready (or failed). */
  wait?: boolean;
  /** Where it runs: this machine (default) or a KServe InferenceService on Kubeflow (kserve/service.ts). */
  target?: 'local' | 'kubeflow';
  /** Kubeflow: where the cluster pulls the model from (required for a local run's model). */
  storageUri?: string;
  /** Kubeflow: KServe's modelFormat when the saved model's type does not tell. */
  modelFormat?: string;
  /** Kubeflow: must be the user's own namespace when given. */
  namespace?: string;
}

export interface DeployResult {
  deployment: DeploymentView;
  /** With promoteIf: whether it was promoted, and the comparison. */
  promoted?: boolean;
  gate?: GateResult;
}

export interface Answer {
  status: number;
  body: { [key: string]: unknown };
  version: string;
  role: Role;
  requestId: string;
  latencyMs: number;
}

export interface DeploymentServiceOptions extends Omit<PoolOptions, 'onChange'> {
  dataDir: string;
  /** How long a request waits for a (re)starting server. */
  requestWaitMs?: number;
}

const PRIVATE_ENV = ['KUBEFLOW_BRIDGE_SECRET', 'KUBEFLOW_BRIDGE_KERNEL_TOKEN'];

/** DNS-1123 label, as an InferenceService name must be. */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export class DeploymentService {
  readonly pool: ServerPool;
  private store: DeploymentStore;
  private traffic: Traffic;
  private cache = new Map<string, DeploymentRecord>();
  private listeners = new Set<(event: DeploymentEvent) => void>();

  constructor(private engine: LocalEngine, private options: DeploymentServiceOptions) {
    this.store = new DeploymentStore(engine.store);
    this.traffic = new Traffic(rows => this.store.flushStats(rows));
    // A model server never sees the bridge's own credentials.
    const env = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([k]) => !PRIVATE_ENV.includes(k)));
    this.pool = new ServerPool({ ...options, env, onChange: key => this.emit(key.split('/')[0]) });
  }

  /** Starts the servers of every live version (after a bridge restart too). */
  resume(): void {
    for (const deployment of this.store.list()) {
      this.cache.set(deployment.name, deployment);
      this.ensureServers(deployment);
    }
  }

  onEvent(listener: (event: DeploymentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): DeploymentView[] {
    return this.store.list().map(d => this.view(d));
  }

  get(name: string): DeploymentView {
    return this.view(this.require(name));
  }

  async deploy(req: DeployRequest): Promise<DeployResult> {
    const existing = this.record(req.name);
    if (req.role === 'champion') {
      if (existing) {
        throw new EngineError(`deployment ${req.name} exists: add a challenger (role: challenger) or delete it first`, 409, 'name');
      }
      const version = versionFromRun(this.engine, req.run, req.output, 'v1');
      if (req.gate && !(req.gate.metric in version.metrics)) {
        throw new EngineError(`run ${req.run} has no metric ${req.gate.metric} for the gate (it has ${Object.keys(version.metrics).join(', ') || 'none'})`, 400, 'gate.metric');
      }
      const now = Date.now();
      this.store.create(
        { name: req.name, user: req.user ?? null, createdAt: now, updatedAt: now, routing: req.routing ?? { mode: 'split', challengerPercent: 0 }, gate: req.gate ?? null },
        version
      );
      return { deployment: await this.changed(req.name, req.wait) };
    }
    if (!existing) {
      throw new EngineError(`no deployment ${req.name}: deploy a champion first`, 404, 'name');
    }
    const version = versionFromRun(this.engine, req.run, req.output, nextId(existing));
    const champion = existing.versions.find(v => v.role === 'champion')!;
    const challenger = existing.versions.find(v => v.role === 'challenger');
    if (req.promoteIf) {
      const result = checkGate(req.promoteIf, champion.metrics, version.metrics);
      if (!result.passed) {
        throw new GateRefused(result);
      }
      this.store.addVersion(req.name, { ...version, role: 'champion' }, { [champion.id]: 'retired' });
      return { deployment: await this.changed(req.name, req.wait), promoted: true, gate: result };
    }
    this.store.addVersion(req.name, { ...version, role: 'challenger' }, challenger ? { [challenger.id]: 'retired' } : {});
    if (req.challengerPercent !== undefined) {
      this.store.setRouting(req.name, { ...existing.routing, mode: 'split', challengerPercent: req.challengerPercent } as Routing);
    }
    return { deployment: await this.changed(req.name, req.wait) };
  }

  /** A fixed share for the challenger, or another routing policy. */
  async setRouting(name: string, routing: Routing): Promise<DeploymentView> {
    this.require(name);
    this.store.setRouting(name, routing);
    this.traffic.reset(name);
    return this.changed(name);
  }

  async promote(name: string): Promise<DeployResult> {
    const d = this.require(name);
    const champion = d.versions.find(v => v.role === 'champion')!;
    const challenger = d.versions.find(v => v.role === 'challenger');
    if (!challenger) {
      throw new EngineError(`deployment ${name} has no challenger to promote`, 409, 'name');
    }
    const result = d.gate ? checkGate(d.gate, champion.metrics, challenger.metrics) : undefined;
    if (result && !result.passed) {
      throw new GateRefused(result);
    }
    this.store.setRoles(name, { [champion.id]: 'retired', [challenger.id]: 'champion' });
    return { deployment: await this.changed(name), promoted: true, ...(result ? { gate: result } : {}) };
  }

  /**
   * With a challenger: it is retired and the champion takes all traffic.
   * Without one: the previous champion comes back (the last promotion undone).
   */
  async rollback(name: string): Promise<DeploymentView> {
    const d = this.require(name);
    const champion = d.versions.find(v => v.role === 'champion')!;
    const challenger = d.versions.find(v => v.role === 'challenger');
    if (challenger) {
      this.store.setRoles(name, { [challenger.id]: 'retired' });
    } else {
      const previous = d.versions.filter(v => v.role === 'retired' && v.createdAt <= champion.createdAt && v.id !== champion.id).pop();
      if (!previous) {
        throw new EngineError(`deployment ${name} has no challenger and no earlier champion to roll back to`, 409, 'name');
      }
      this.store.setRoles(name, { [champion.id]: 'retired', [previous.id]: 'champion' });
    }
    return this.changed(name);
  }

  async remove(name: string): Promise<void> {
    const d = this.require(name);
    this.cache.delete(name);
    await Promise.all(d.versions.map(v => this.pool.stop(keyOf(name, v.id))));
    this.traffic.forget(name);
    this.store.delete(name);
    this.publish({ type: 'deployment', deployment: { name, deleted: true } });
  }

  /** V1: `{instances}` -> `{predictions}` from the version the router chose. */
  predict(name: string, body: unknown): Promise<Answer> {
    return this.forward(name, body, m => `/v1/models/${m}:predict`);
  }

  /** V2 (Open Inference Protocol): `{inputs}` -> `{outputs}`. */
  infer(name: string, body: unknown): Promise<Answer> {
    return this.forward(name, body, m => `/v2/models/${m}/infer`);
  }

  feedback(name: string, requestId: string, reward: number): { request_id: string; version: string; reward: number } {
    this.require(name);
    const request = this.traffic.requestOf(requestId);
    if (!request || request.deployment !== name) {
      throw new EngineError(`no recent request ${requestId} to ${name} (the bridge remembers the last requests only)`, 404, 'request_id');
    }
    if (request.rewarded) {
      throw new EngineError(`request ${requestId} has feedback already`, 409, 'request_id');
    }
    const { version } = this.traffic.reward(requestId, reward);
    return { request_id: requestId, version, reward };
  }

  /** Counters written now (tests, and before reading them from the store). */
  flush(): void {
    for (const name of this.traffic.flushNow()) {
      this.cache.delete(name);
    }
  }

  async shutdown(): Promise<void> {
    this.traffic.close();
    await this.pool.shutdown();
  }

  private async forward(name: string, body: unknown, path: (model: string) => string): Promise<Answer> {
    const d = this.require(name);
    const { version, requestId } = this.traffic.route(d);
    const v = d.versions.find(x => x.id === version)!;
    const key = keyOf(name, version);
    try {
      await this.pool.whenReady(key, this.options.requestWaitMs ?? 60_000);
    } catch (err) {
      this.traffic.answered(name, version, false);
      throw new EngineError(`version ${version} of ${name} cannot answer: ${(err as Error).message}`, 503);
    }
    const began = performance.now();
    let res: Response;
    try {
      res = await fetch(`http://${LOOPBACK}:${this.pool.port(key)}${path(encodeURIComponent(name))}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body)
      });
    } catch (err) {
      this.traffic.answered(name, version, false);
      throw new EngineError(`version ${version} of ${name} did not answer (${(err as Error).message}); it is being restarted`, 502);
    }
    const text = await res.text();
    const latencyMs = Math.round((performance.now() - began) * 1000) / 1000;
    this.traffic.answered(name, version, res.ok);
    let parsed: { [key: string]: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: text.slice(0, 500) };
    }
    return { status: res.status, body: parsed, version, role: v.role, requestId, latencyMs };
  }

  private record(name: string): DeploymentRecord | null {
    let d = this.cache.get(name) ?? null;
    if (!d) {
      d = this.store.get(name);
      if (d) {
        this.cache.set(name, d);
      }
    }
    return d;
  }

  private require(name: string): DeploymentRecord {
    const d = this.record(name);
    if (!d) {
      throw new EngineError(`no deployment ${name}`, 404, 'name');
    }
    return d;
  }

  /** After a change: reread, start and stop servers, publish; optionally wait for readiness. */
  private async changed(name: string, wait = false): Promise<DeploymentView> {
    this.flush();
    this.cache.delete(name);
    const d = this.require(name);
    this.ensureServers(d);
    await Promise.all(d.versions.filter(v => v.role === 'retired').map(v => this.pool.stop(keyOf(name, v.id))));
    if (wait) {
      await Promise.all(d.versions.filter(v => v.role !== 'retired').map(v => this.pool.whenReady(keyOf(name, v.id)).catch(() => undefined)));
    }
    this.emit(name);
    return this.view(d);
  }

  private ensureServers(d: DeploymentRecord): void {
    for (const v of d.versions.filter(x => x.role !== 'retired')) {
      this.pool.ensure(keyOf(d.name, v.id), {
        python: v.python, modelDir: v.path, modelName: d.name,
        logFile: join(this.options.dataDir, 'deployments', d.name, `${v.id}.log`)
      });
    }
  }

  private view(d: DeploymentRecord): DeploymentView {
    return {
      ...d,
      target: 'local',
      url: `/api/deployments/${encodeURIComponent(d.name)}`,
      versions: d.versions.map(v => ({
        ...v,
        stats: v.role === 'retired' ? v.stats : { ...this.traffic.statsOf(d.name, v.id, v.stats) },
        server: v.role === 'retired' ? null : this.pool.status(keyOf(d.name, v.id))
      }))
    };
  }

  private emit(name: string): void {
    const d = this.record(name);
    if (d) {
      this.publish({ type: 'deployment', deployment: this.view(d) });
    }
  }

  private publish(event: DeploymentEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

const keyOf = (name: string, version: string) => `${name}/${version}`;

function nextId(d: DeploymentRecord): string {
  const n = Math.max(0, ...d.versions.map(v => Number(v.id.slice(1)) || 0));
  return `v${n + 1}`;
}

export type { VersionRecord };
