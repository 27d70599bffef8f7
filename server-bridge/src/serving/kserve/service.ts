/**
 * Kubeflow deployments: each is a KServe InferenceService in the user's
 * namespace, created and edited with the user's own token (KubeObjects over
 * identity/scoped.ts), so the cluster's RBAC has the last word. The edits
 * are core/src/serving's documented ones; the gate is the local one over the
 * same run metrics; the object's status is watched and every change goes
 * out as a `{type: 'deployment'}` event to the users who may see it.
 *
 * Fixed split: the challenger is the InferenceService's canary (Knative:
 * canaryTrafficPercent, Standard: spec.canary[]). Bandit routing: the
 * challenger is an InferenceService of its own (`<name>-<version>`), and an
 * InferenceGraph `<name>-router` splits between the two with weights the
 * bridge updates from rewards (weights.ts).
 */
import {
  canaryPatch, graphWeightsPatch, inferenceGraph, inferenceService, JsonPatchOp, predictorOf, promotePatch, rollbackPatch,
  ServedVersion, ServingSpecError, summarizeStatus, trafficPatch
} from '../../../../core/src/serving';
import type { LocalEngine } from '../../engines/local/engine';
import { EngineError } from '../../engines/local/types';
import type { IdentityResolver } from '../../identity/types';
import { INFERENCE_GRAPH, INFERENCE_SERVICE, KubeObjects } from '../../kube/objects';
import type { KubeStatusEvent, StartWatch } from '../../kube/watch';
import { StatusWatches } from '../../kube/watch';
import type { ScopedKube } from '../../identity/scoped';
import type { TokenSource } from '../../identity/types';
import type { Logger } from '../../log';
import { checkGate } from '../gate';
import { GateRefused, DeployRequest, DeployResult, NAME_PATTERN } from '../service';
import type { DeploymentEvent, Role, Routing, ServerStatus } from '../types';
import { forwardPrediction, predictPath, Protocol, serviceAddress } from './predict';
import { KServeRecords } from './records';
import type { KServeRecord, KServeSettings, KServeVersion, KServeView } from './types';
import { kserveVersionFromRun } from './version';
import { banditShares } from './weights';

export type Publish = (event: DeploymentEvent, users: ReadonlySet<string>) => void;

const served = (v: KServeVersion): ServedVersion => ({ id: v.id, modelFormat: v.modelFormat, storageUri: v.storageUri });
const isBandit = (r: Routing) => r.mode !== 'split';

export class KServeDeployments {
  private objects: KubeObjects;
  private watches: StatusWatches;
  /** Last status summary per `namespace/name`, and who may see it. */
  private statuses = new Map<string, ReturnType<typeof summarizeStatus>>();
  private viewers = new Map<string, Set<string>>();

  constructor(
    private engine: LocalEngine,
    kube: ScopedKube,
    private tokens: TokenSource,
    private resolver: IdentityResolver,
    private records: KServeRecords,
    readonly settings: KServeSettings,
    private publish: Publish,
    private log: Logger,
    startWatch?: StartWatch
  ) {
    this.objects = new KubeObjects(kube);
    this.watches = new StatusWatches(kube, (event, users) => this.onStatus(event, users), log, startWatch);
  }

  /** The user's namespace; a namespace given in a request must be it (403 before the cluster is asked). */
  async namespaceOf(user: string, asked?: string): Promise<string> {
    const { namespace } = await this.resolver.resolve(user);
    if (asked !== undefined && asked !== namespace) {
      throw new EngineError(`you may deploy only in your namespace '${namespace}', not in '${asked}'`, 403, 'namespace');
    }
    return namespace;
  }

  async has(user: string, name: string): Promise<boolean> {
    try {
      return this.records.get(await this.namespaceOf(user), name) !== null;
    } catch {
      return false;
    }
  }

  async list(user: string): Promise<KServeView[]> {
    return this.records.list(await this.namespaceOf(user)).map(r => this.view(r));
  }

  /** The deployment with a fresh read of its InferenceService (and its watch started). */
  async get(user: string, name: string): Promise<KServeView> {
    const r = await this.require(user, name);
    const { object } = await this.objects.get(user, INFERENCE_SERVICE, name);
    this.remember(r, object.status, user);
    this.watches.follow(user, INFERENCE_SERVICE, object);
    return this.view(r);
  }

  async deploy(req: DeployRequest): Promise<DeployResult> {
    const user = req.user ?? '';
    const namespace = await this.namespaceOf(user, req.namespace);
    if (!NAME_PATTERN.test(req.name)) {
      throw new EngineError(`name ${JSON.stringify(req.name)} must be a DNS-1035 label`, 400, 'name');
    }
    const existing = this.records.get(namespace, req.name);
    const given = { storageUri: req.storageUri, modelFormat: req.modelFormat };
    if (req.role === 'champion') {
      if (existing) {
        throw new EngineError(`deployment ${req.name} exists in ${namespace}: add a challenger (role: challenger) or delete it first`, 409, 'name');
      }
      const version = kserveVersionFromRun(this.engine, req.run, req.output, 'v1', given);
      if (req.gate && !(req.gate.metric in version.metrics)) {
        throw new EngineError(`run ${req.run} has no metric ${req.gate.metric} for the gate (it has ${Object.keys(version.metrics).join(', ') || 'none'})`, 400, 'gate.metric');
      }
      const now = Date.now();
      const record: KServeRecord = {
        name: req.name, user, createdAt: now, updatedAt: now, routing: req.routing ?? { mode: 'split', challengerPercent: 0 },
        gate: req.gate ?? null, target: 'kubeflow', namespace, mode: this.settings.mode,
        serviceAccountName: this.settings.serviceAccountName ?? null, challengerPercent: 0, graph: null, pendingFeedback: 0,
        versions: [version]
      };
      const body = spec(() => inferenceService({ name: req.name, namespace, mode: record.mode, serviceAccountName: this.sa(record), labels: labelsOf(version) }, served(version)));
      const { object } = await this.objects.create(user, INFERENCE_SERVICE, body as never);
      this.log.info('inference service created', { namespace, name: req.name, mode: record.mode, user });
      this.records.put(record);
      this.remember(record, object.status, user);
      this.watches.follow(user, INFERENCE_SERVICE, object);
      return { deployment: this.changed(record) };
    }
    if (!existing) {
      throw new EngineError(`no deployment ${req.name} in ${namespace}: deploy a champion first`, 404, 'name');
    }
    const champion = championOf(existing);
    const previous = existing.versions.find(v => v.role === 'challenger');
    if (previous) {
      throw new EngineError(`deployment ${req.name} has a challenger (${previous.id}) already: promote or roll it back first`, 409, 'name');
    }
    const version = kserveVersionFromRun(this.engine, req.run, req.output, nextId(existing), given);
    if (req.promoteIf) {
      const result = checkGate(req.promoteIf, champion.metrics, version.metrics);
      if (!result.passed) {
        throw new GateRefused(result);
      }
      // Straight to champion: the new predictor, no canary (Knative rolls it out to 100 %).
      await this.patch(user, existing, [{ op: 'replace', path: '/spec/predictor', value: predictorOf(served(version), this.sa(existing)) }]);
      champion.role = 'retired';
      existing.versions.push({ ...version, role: 'champion' });
      return { deployment: this.changed(existing), promoted: true, gate: result };
    }
    if (isBandit(existing.routing)) {
      await this.createChallengerService(user, existing, version);
    } else {
      const percent = req.challengerPercent ?? existing.routing.challengerPercent ?? 0;
      await this.patch(user, existing, spec(() => canaryPatch(existing.mode, existing.name, served(version), percent, this.sa(existing))));
      existing.challengerPercent = percent;
    }
    existing.versions.push({ ...version, role: 'challenger' });
    return { deployment: this.changed(existing) };
  }

  async setRouting(user: string, name: string, routing: Routing): Promise<KServeView> {
    const r = await this.require(user, name);
    const challenger = r.versions.find(v => v.role === 'challenger');
    if (isBandit(routing) !== isBandit(r.routing) && challenger) {
      throw new EngineError('switching between a fixed split and bandit routing needs a deployment without a challenger: promote or roll back first', 409, 'routing');
    }
    if (routing.mode === 'split' && challenger) {
      await this.patch(user, r, spec(() => trafficPatch(r.mode, routing.challengerPercent)));
      r.challengerPercent = routing.challengerPercent;
    }
    r.routing = routing;
    if (r.graph) {
      await this.updateWeights(user, r);
    }
    return this.changed(r);
  }

  async promote(user: string, name: string): Promise<DeployResult> {
    const r = await this.require(user, name);
    const champion = championOf(r);
    const challenger = r.versions.find(v => v.role === 'challenger');
    if (!challenger) {
      throw new EngineError(`deployment ${name} has no challenger to promote`, 409, 'name');
    }
    const result = r.gate ? checkGate(r.gate, champion.metrics, challenger.metrics) : undefined;
    if (result && !result.passed) {
      throw new GateRefused(result);
    }
    if (r.graph) {
      await this.patch(user, r, [{ op: 'replace', path: '/spec/predictor', value: predictorOf(served(challenger), this.sa(r)) }]);
      await this.dropBandit(user, r, challenger);
    } else {
      await this.patch(user, r, promotePatch(r.mode, served(challenger), this.sa(r)));
    }
    champion.role = 'retired';
    challenger.role = 'champion';
    r.challengerPercent = 0;
    return { deployment: this.changed(r), promoted: true, ...(result ? { gate: result } : {}) };
  }

  /** As locally: with a challenger it goes; without one, the previous champion comes back. */
  async rollback(user: string, name: string): Promise<KServeView> {
    const r = await this.require(user, name);
    const champion = championOf(r);
    const challenger = r.versions.find(v => v.role === 'challenger');
    if (challenger) {
      if (r.graph) {
        await this.dropBandit(user, r, challenger);
      } else {
        await this.patch(user, r, rollbackPatch(r.mode, served(champion), this.sa(r)));
      }
      challenger.role = 'retired';
    } else {
      const previous = r.versions.filter(v => v.role === 'retired' && v.createdAt <= champion.createdAt && v.id !== champion.id).pop();
      if (!previous) {
        throw new EngineError(`deployment ${name} has no challenger and no earlier champion to roll back to`, 409, 'name');
      }
      const ops: JsonPatchOp[] = r.mode === 'knative'
        ? rollbackPatch('knative', served(previous), this.sa(r))
        : [{ op: 'replace', path: '/spec/predictor', value: predictorOf(served(previous), this.sa(r)) }];
      await this.patch(user, r, ops);
      champion.role = 'retired';
      previous.role = 'champion';
    }
    r.challengerPercent = 0;
    return this.changed(r);
  }

  async remove(user: string, name: string): Promise<void> {
    const r = await this.require(user, name);
    if (r.graph) {
      await this.objects.remove(user, INFERENCE_GRAPH, r.graph.name).catch(() => undefined);
    }
    for (const v of r.versions.filter(x => x.role === 'challenger' && r.graph)) {
      await this.objects.remove(user, INFERENCE_SERVICE, `${r.name}-${v.id}`).catch(() => undefined);
    }
    await this.objects.remove(user, INFERENCE_SERVICE, name).catch(err => {
      if ((err as { status?: number }).status !== 404) {
        throw err;
      }
    });
    this.records.delete(r.namespace, name);
    this.publish({ type: 'deployment', deployment: { name, deleted: true } }, this.usersOf(r, user));
  }

  /**
   * A reward for a version (KServe answers requests itself, so the bridge
   * knows no request ids: the caller says which version answered, from the
   * InferenceGraph's response). Weights move once per batch.
   */
  async feedback(user: string, name: string, version: string, reward: number): Promise<{ version: string; reward: number; weights: number[] | null }> {
    const r = await this.require(user, name);
    const v = r.versions.find(x => x.id === version && x.role !== 'retired');
    if (!v) {
      throw new EngineError(`deployment ${name} has no live version ${version}`, 404, 'version');
    }
    v.stats.rewards += 1;
    v.stats.rewardSum += reward;
    r.pendingFeedback += 1;
    if (r.graph && r.pendingFeedback >= this.settings.feedbackBatch) {
      await this.updateWeights(user, r);
    }
    this.records.put(r);
    return { version, reward, weights: r.graph?.weights ?? null };
  }

  /**
   * "Try it": the request forwarded to the InferenceService as the user
   * (predict.ts), after a fresh read of its status: 503 naming the reason
   * while Ready is not True. KServe picks the revision under a canary
   * split, so the answer names the champion (under bandit routing the
   * champion's own service answers).
   */
  async predict(user: string, name: string, protocol: Protocol, body: unknown): Promise<{
    status: number; body: { [key: string]: unknown }; version: string; role: Role; latencyMs: number;
  }> {
    const r = await this.require(user, name);
    const { object } = await this.objects.get(user, INFERENCE_SERVICE, name);
    this.remember(r, object.status, user);
    const status = this.statuses.get(`${r.namespace}/${r.name}`)!;
    if (!status.ready) {
      const why = [status.reason, status.explanation].filter(Boolean).join('; ') || 'KServe has not reported a Ready condition yet';
      throw new EngineError(`${name} is not Ready yet: ${why}`, 503, 'name');
    }
    const base = serviceAddress(object.status, name);
    const token = await this.tokens.token(user, 'kube');
    const champion = championOf(r);
    const answer = await forwardPrediction(base, predictPath(protocol, name), token, body, name).catch((err: Error) => {
      this.log.warning('kserve prediction failed', { namespace: r.namespace, name, protocol, host: base.host, error: err.message, user });
      throw err;
    });
    this.log.info('kserve prediction forwarded', {
      namespace: r.namespace, name, protocol, host: base.host, status: answer.status, latencyMs: answer.latencyMs, user
    });
    return { ...answer, version: champion.id, role: champion.role };
  }

  close(): void {
    this.watches.close();
  }

  private async createChallengerService(user: string, r: KServeRecord, version: KServeVersion): Promise<void> {
    const name = `${r.name}-${version.id}`;
    const body = spec(() => inferenceService({ name, namespace: r.namespace, mode: r.mode, serviceAccountName: this.sa(r), labels: labelsOf(version) }, served(version)));
    const { object } = await this.objects.create(user, INFERENCE_SERVICE, body as never);
    this.watches.follow(user, INFERENCE_SERVICE, object);
    const live = [championOf(r), version];
    const weights = banditShares(r.routing, live.map(v => v.stats));
    const graph = inferenceGraph(`${r.name}-router`, [{ serviceName: r.name }, { serviceName: name }], weights, r.namespace);
    try {
      await this.objects.create(user, INFERENCE_GRAPH, graph as never);
    } catch (err) {
      // No orphan: without its router the challenger's service would serve nobody.
      await this.objects.remove(user, INFERENCE_SERVICE, name).catch(() => undefined);
      throw err;
    }
    r.graph = { name: graph.metadata.name, weights: graph.spec.nodes.root.steps.map(s => s.weight) };
    r.pendingFeedback = 0;
  }

  private async updateWeights(user: string, r: KServeRecord): Promise<void> {
    const live = [championOf(r), ...r.versions.filter(v => v.role === 'challenger')];
    const ops = graphWeightsPatch(banditShares(r.routing, live.map(v => v.stats)));
    await this.objects.patch(user, INFERENCE_GRAPH, r.graph!.name, ops);
    r.graph = { name: r.graph!.name, weights: ops.map(o => o.value) };
    r.pendingFeedback = 0;
    this.log.info('inference graph weights updated', { namespace: r.namespace, name: r.graph.name, weights: r.graph.weights });
  }

  private async dropBandit(user: string, r: KServeRecord, challenger: KServeVersion): Promise<void> {
    await this.objects.remove(user, INFERENCE_GRAPH, r.graph!.name).catch(() => undefined);
    await this.objects.remove(user, INFERENCE_SERVICE, `${r.name}-${challenger.id}`).catch(() => undefined);
    r.graph = null;
  }

  private async patch(user: string, r: KServeRecord, ops: JsonPatchOp[]): Promise<void> {
    const { object } = await this.objects.patch(user, INFERENCE_SERVICE, r.name, ops);
    this.remember(r, object.status, user);
    this.watches.follow(user, INFERENCE_SERVICE, object);
  }

  private async require(user: string, name: string): Promise<KServeRecord> {
    const namespace = await this.namespaceOf(user);
    const r = this.records.get(namespace, name);
    if (!r) {
      throw new EngineError(`no deployment ${name} in ${namespace}`, 404, 'name');
    }
    return r;
  }

  private sa(r: KServeRecord): string | undefined {
    return r.serviceAccountName ?? undefined;
  }

  private remember(r: KServeRecord, status: unknown, user: string): void {
    const key = `${r.namespace}/${r.name}`;
    this.statuses.set(key, summarizeStatus(status as never));
    const viewers = this.viewers.get(key) ?? new Set<string>();
    viewers.add(user);
    this.viewers.set(key, viewers);
  }

  private usersOf(r: KServeRecord, user?: string): Set<string> {
    const users = new Set(this.viewers.get(`${r.namespace}/${r.name}`) ?? []);
    if (r.user) {
      users.add(r.user);
    }
    if (user) {
      users.add(user);
    }
    return users;
  }

  /** A watched InferenceService changed: its deployment's view goes to its users. */
  private onStatus(event: KubeStatusEvent, users: ReadonlySet<string>): void {
    if (event.kind !== INFERENCE_SERVICE.kind) {
      return;
    }
    const r = this.records.get(event.namespace, event.name);
    if (!r) {
      return; // a bandit challenger's own service: its champion's view is what users see
    }
    this.statuses.set(`${r.namespace}/${r.name}`, summarizeStatus(event.status as never));
    this.publish({ type: 'deployment', deployment: this.view(r) as never }, new Set([...users, ...this.usersOf(r)]));
  }

  private changed(r: KServeRecord): KServeView {
    this.records.put(r);
    const view = this.view(r);
    this.publish({ type: 'deployment', deployment: view as never }, this.usersOf(r));
    return view;
  }

  view(r: KServeRecord): KServeView {
    const status = this.statuses.get(`${r.namespace}/${r.name}`) ?? summarizeStatus(null);
    const server: ServerStatus = {
      state: status.ready ? 'ready' : status.explanation ? 'failed' : 'starting',
      restarts: 0,
      error: status.explanation ?? status.reason
    };
    const { pendingFeedback: _pending, challengerPercent, graph, serviceAccountName: _sa, ...rest } = r;
    return {
      ...rest,
      url: `/api/deployments/${encodeURIComponent(r.name)}`,
      versions: r.versions.map(v => ({ ...v, server: v.role === 'retired' ? null : server })),
      kserve: { name: r.name, ...status, challengerPercent, graph }
    };
  }
}

function championOf(r: KServeRecord): KServeVersion {
  return r.versions.find(v => v.role === 'champion')!;
}

function nextId(r: KServeRecord): string {
  return `v${Math.max(0, ...r.versions.map(v => Number(v.id.slice(1)) || 0)) + 1}`;
}

/** A fixed label: per-version labels would go stale when a challenger is promoted in place. */
function labelsOf(_v: KServeVersion): { [key: string]: string } {
  return { 'app.kubernetes.io/managed-by': 'jupyterlab-kubeflow' };
}

/** A builder's refusal as the API's 400 naming the field. */
function spec<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ServingSpecError) {
      throw new EngineError(err.message, 400, err.field);
    }
    throw err;
  }
}
