/**
 * The bridge's wire protocol, shared by the bridge (which sends) and the
 * extension (which reads), so the two can never drift apart.
 */

import type { IsvcSummary, KServeMode } from './serving';

/** `GET /api/health`, and the facts in the events channel's greeting. */
export interface BridgeHealth {
  version: string;
  engines: readonly string[];
  /** The user the bridge sees for this request. */
  user: string;
}

/** First message on the events WebSocket. */
export interface HelloEvent extends BridgeHealth {
  type: 'hello';
}

/** Every event on the events WebSocket has a `type`. */
export interface BridgeEventBase {
  type: string;
  [key: string]: unknown;
}

/** Errors from the bridge: `{"error": {"code", "message", "field"?}}`. */
export interface BridgeErrorBody {
  error: { code: number; message: string; field?: string };
}

/**
 * `GET /api/identity`: who the bridge acts as on Kubeflow for this user.
 * `kfpEndpoint` is set when the kubeflow engine is on (a URL, not a secret).
 * Shared mode answers 403 for a user nobody mapped.
 */
export type IdentityWire =
  | { mode: 'pod' | 'shared'; user: string; namespace: string; serviceAccount: string; kfpEndpoint?: string }
  | { mode: 'none'; reason: string };

/** True when `value` is a well-formed greeting. */
export function isHelloEvent(value: unknown): value is HelloEvent {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as { [key: string]: unknown };
  return (
    v.type === 'hello' &&
    typeof v.version === 'string' &&
    typeof v.user === 'string' &&
    Array.isArray(v.engines) &&
    v.engines.every(e => typeof e === 'string')
  );
}

// ---------------------------------------------------------------------------
// Runs (`/api/runs` and the `run` / `task` events): what the browser reads.
// The engine's records (server-bridge/src/engines/local/types.ts) extend
// these shapes, and server-bridge/test/wire.spec.ts checks that its other
// records still fit, so the two sides cannot drift apart.

export type RunState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export type TaskState =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  | 'interrupted';

export const FINISHED_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

/** Where a failure happened: the task, and the notebook cell (from 0) and 1-based line. */
export interface RunError {
  message: string;
  task?: string;
  cell?: number | null;
  line?: number | null;
  exitCode?: number | null;
}

export interface RunOptionsWire {
  cache: boolean;
  python: string;
  parallelism: number;
  timeoutSeconds: number;
}

export interface ArtifactWire {
  path: string;
  type: string;
  format?: string;
  pythonType?: string;
  size: number;
  digest: string;
}

export interface TaskOutputsWire {
  artifacts: { [name: string]: ArtifactWire };
  parameters: { [name: string]: unknown };
}

export interface TaskWire {
  name: string;
  position: number;
  state: TaskState;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  cached: boolean;
  cachedFrom: { run: string; task: string } | null;
  error: RunError | null;
  outputs: TaskOutputsWire | null;
  dependencies: string[];
}

/** Which engine drives a run. */
export type EngineName = 'local' | 'kubeflow';

/** A kubeflow run's coordinates in KFP (no credential). */
export interface RemoteRunWire {
  runId: string;
  experimentId: string;
  experiment: string;
  namespace: string;
  serviceAccount: string;
  pipelineId: string;
  pipelineVersionId: string;
  /** KFP's state as last seen (`RUNNING`, `CANCELING`, ...). */
  state: string;
}

export interface RunWire {
  id: string;
  /** Notebook path relative to Jupyter's root; null for inline content. */
  notebook: string | null;
  pipeline: string;
  state: RunState;
  parameters: { [name: string]: unknown };
  options: RunOptionsWire;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: RunError | null;
  metrics: { [name: string]: number } | null;
  user: string | null;
  rerunOf: string | null;
  /** Absent means local. */
  engine?: EngineName;
  /** Where a kubeflow run lives in KFP; null or absent for local runs. */
  remote?: RemoteRunWire | null;
}

export interface RunWithTasksWire extends RunWire {
  tasks: TaskWire[];
}

/** `GET /api/runs/:id/outputs`. */
export interface RunOutputsWire {
  run: string;
  state: string;
  metrics: { [name: string]: number } | null;
  tasks: { [task: string]: TaskOutputsWire | null };
}

export interface RunEvent {
  type: 'run';
  run: RunWire;
}

export interface TaskEvent {
  type: 'task';
  run: string;
  notebook: string | null;
  task: TaskWire;
}

export function isRunEvent(event: BridgeEventBase): event is BridgeEventBase & RunEvent {
  const run = event.run as RunWire | undefined;
  return event.type === 'run' && typeof run === 'object' && run !== null && typeof run.id === 'string';
}

export function isTaskEvent(event: BridgeEventBase): event is BridgeEventBase & TaskEvent {
  const task = event.task as TaskWire | undefined;
  return (
    event.type === 'task' &&
    typeof event.run === 'string' &&
    typeof task === 'object' &&
    task !== null &&
    typeof task.name === 'string'
  );
}

// ---------------------------------------------------------------------------
// Deployments (`/api/deployments` and the `deployment` events): the shapes of
// server-bridge/src/serving/types.ts that the browser reads.

export type DeploymentRole = 'champion' | 'challenger' | 'retired';

export type ServerStateWire = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

/** Promotion gate: the challenger's `metric` must beat the champion's by `margin` or more. */
export interface GateWire {
  metric: string;
  direction: 'maximize' | 'minimize';
  margin: number;
}

export type RoutingWire =
  | { mode: 'split'; challengerPercent: number; seed?: number }
  | { mode: 'epsilon-greedy'; epsilon: number; seed?: number }
  | { mode: 'thompson'; prior: { alpha: number; beta: number }; seed?: number };

export interface VersionWire {
  id: string;
  role: DeploymentRole;
  run: string;
  task: string;
  output: string;
  format: string;
  modelType: string | null;
  /** The run's metrics when the version was added (what the gate compares). */
  metrics: { [name: string]: number };
  createdAt: number;
  stats: { requests: number; errors: number; rewards: number; rewardSum: number };
  /** Null for retired versions. */
  server: { state: ServerStateWire; restarts: number; error: string | null } | null;
  /** Kubeflow deployments: where KServe loads the model from, its modelFormat. */
  storageUri?: string; modelFormat?: string;
}

/** An InferenceService's status (serving/model-status.ts: Ready, URL, traffic, explanation), its canary %, its InferenceGraph. */
export interface KServeStatusWire extends IsvcSummary {
  name: string; challengerPercent: number; graph: { name: string; weights: number[] } | null;
}

export interface DeploymentWire {
  name: string;
  user: string | null;
  createdAt: number;
  updatedAt: number;
  routing: RoutingWire;
  gate: GateWire | null;
  versions: VersionWire[];
  /** The bridge path (`/api/deployments/{name}`); behind Jupyter: `{base_url}kubeflow/...`. */
  url: string;
  /** Absent: local. Kubeflow deployments (the bridge's KServeView) add namespace, mode and the InferenceService's status. */
  target?: 'local' | 'kubeflow';
  namespace?: string;
  mode?: KServeMode;
  kserve?: KServeStatusWire;
}

/** The body of a refused promotion (409). */
export interface GateRefusedWire extends BridgeErrorBody {
  gate: GateWire;
  champion: { metric: string; value: number | null };
  challenger: { metric: string; value: number | null };
}

/** `POST .../predict` (V1). */
export interface PredictAnswerWire {
  predictions: unknown[];
  version: string;
  role: DeploymentRole;
  request_id: string;
  latency_ms: number;
}

export interface DeploymentEvent {
  type: 'deployment';
  deployment: DeploymentWire | { name: string; deleted: true };
}

export function isDeploymentEvent(event: BridgeEventBase): event is BridgeEventBase & DeploymentEvent {
  const d = event.deployment as { name?: unknown } | undefined;
  return event.type === 'deployment' && typeof d === 'object' && d !== null && typeof d.name === 'string';
}

export function isGateRefused(body: unknown): body is GateRefusedWire {
  const b = body as Partial<GateRefusedWire> | null;
  return (
    typeof b === 'object' && b !== null &&
    typeof b.champion === 'object' && b.champion !== null &&
    typeof b.challenger === 'object' && b.challenger !== null
  );
}

/** Formats a local model server loads (the bridge's serving/versions.ts). */
export const SERVABLE_FORMATS: readonly string[] = ['joblib', 'pickle', 'cloudpickle'];

/** True for an artifact that is a model (not a number or list saved with pickle). */
export function isServableArtifact(artifact: Pick<ArtifactWire, 'format' | 'pythonType'>): boolean {
  return SERVABLE_FORMATS.includes(artifact.format ?? '') && !(artifact.pythonType ?? '').startsWith('builtins.');
}
