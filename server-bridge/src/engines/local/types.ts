/**
 * The local engine's vocabulary: run and task records as the store keeps
 * them and as the API and events show them (one shape, so the runs list,
 * the live view and `kubeflow-bridge run --json` can never disagree).
 */

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
export const FINISHED_TASK_STATES: readonly TaskState[] = [
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
  'interrupted'
];

/** Where a failure happened: the task, and the notebook cell and line when known. */
export interface TaskError {
  message: string;
  task?: string;
  /** Notebook cell index (counting every cell from 0), from the traceback. */
  cell?: number | null;
  /** 1-based line within that cell. */
  line?: number | null;
  exitCode?: number | null;
}

export interface RunOptions {
  cache: boolean;
  /** Interpreter that replaces the executor's `python3`. */
  python: string;
  parallelism: number;
  /** Per task attempt; 0 = no limit. */
  timeoutSeconds: number;
}

/** One attempt of a task: timings in ms since the epoch. */
export interface Attempt {
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  state: TaskState;
  pid?: number;
}

export interface ArtifactOutput {
  path: string;
  /** The IR's schemaTitle (`system.Artifact`, `system.Metrics`, ...). */
  type: string;
  /** Format and Python type from the artifact's kubeflow.json, when present. */
  format?: string;
  pythonType?: string;
  /** Bytes of all files in the artifact's directory. */
  size: number;
  /** SHA-256 over the artifact's files (what downstream cache keys hash). */
  digest: string;
}

export interface TaskOutputs {
  artifacts: { [name: string]: ArtifactOutput };
  parameters: { [name: string]: unknown };
}

export interface LogPaths {
  /** stdout and stderr interleaved, as a terminal would show them. */
  combined: string;
  stdout: string;
  stderr: string;
}

export interface TaskRecord {
  name: string;
  /** Position in the plan's topological order. */
  position: number;
  state: TaskState;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  cacheKey: string | null;
  cached: boolean;
  /** The earlier task whose outputs a cache hit reused. */
  cachedFrom: { run: string; task: string } | null;
  error: TaskError | null;
  logs: LogPaths | null;
  outputs: TaskOutputs | null;
  dependencies: string[];
  attemptHistory: Attempt[];
  /** Process id of the running attempt (its process group id too). */
  pid: number | null;
}

export interface RunRecord {
  id: string;
  /** Notebook path relative to the root dir; null for content sent inline. */
  notebook: string | null;
  pipeline: string;
  state: RunState;
  parameters: { [name: string]: unknown };
  options: RunOptions;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: TaskError | null;
  metrics: { [name: string]: number } | null;
  /** The run's folder: artifacts under `<root>/<task>/<output>`, logs under `.logs/`. */
  root: string;
  user: string | null;
  /** The run this one repeats, for reruns. */
  rerunOf: string | null;
  /** The engine that drives the run (absent means local). */
  engine?: EngineName;
  /** Where a kubeflow run lives in KFP; null for local runs. */
  remote?: RemoteRun | null;
}

export type EngineName = 'local' | 'kubeflow';

/** A kubeflow run's coordinates in KFP (no credential is ever kept here). */
export interface RemoteRun {
  runId: string;
  experimentId: string;
  experiment: string;
  namespace: string;
  serviceAccount: string;
  pipelineId: string;
  pipelineVersionId: string;
  /** The KFP state as last seen (`RUNNING`, `CANCELING`, ...). */
  state: string;
}

export interface RunWithTasks extends RunRecord {
  tasks: TaskRecord[];
}

/** What the engine emits; the HTTP layer publishes it on the events socket. */
export type EngineEvent =
  | { type: 'run'; run: RunRecord }
  | { type: 'task'; run: string; notebook: string | null; task: TaskRecord };

/** A refusal the API turns into `{error: {code, message, field}}`. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly status: number = 400,
    readonly field?: string
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
