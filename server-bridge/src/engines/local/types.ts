/**
 * The local engine's vocabulary: run and task records as the store keeps
 * them and as the API and events show them (one shape, so the runs list,
 * the live view and `kubeflow-bridge run --json` can never disagree).
 *
 * What the browser reads is declared once, in core/src/protocol.ts; the
 * records here are those wire shapes plus what only the bridge keeps
 * (cache keys, log paths, attempts, process ids, the run folder).
 */
import type {
  ArtifactWire,
  RemoteRunWire,
  RunError,
  RunOptionsWire,
  RunWire,
  TaskOutputsWire,
  TaskState,
  TaskWire
} from '../../../../core/src/protocol';
export { FINISHED_RUN_STATES } from '../../../../core/src/protocol';
export type { EngineName, RunState, TaskState } from '../../../../core/src/protocol';

export const FINISHED_TASK_STATES: readonly TaskState[] = [
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
  'interrupted'
];

/** Where a failure happened: the task, and the notebook cell and line when known. */
export type TaskError = RunError;

/** python: replaces the executor's `python3`; timeoutSeconds: per attempt, 0 = no limit. */
export type RunOptions = RunOptionsWire;

/** One attempt of a task: timings in ms since the epoch. */
export interface Attempt {
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  exitCode: number | null;
  state: TaskState;
  pid?: number;
}

/** An output artifact: path, schema title, format, size and digest. */
export type ArtifactOutput = ArtifactWire;

export type TaskOutputs = TaskOutputsWire;

export interface LogPaths {
  /** stdout and stderr interleaved, as a terminal would show them. */
  combined: string;
  stdout: string;
  stderr: string;
}

export interface TaskRecord extends TaskWire {
  cacheKey: string | null;
  logs: LogPaths | null;
  attemptHistory: Attempt[];
  /** Process id of the running attempt (its process group id too). */
  pid: number | null;
}

export interface RunRecord extends RunWire {
  /** The run's folder: artifacts under `<root>/<task>/<output>`, logs under `.logs/`. */
  root: string;
  remote?: RemoteRun | null;
}



/** A kubeflow run's coordinates in KFP (no credential is ever kept here). */
export type RemoteRun = RemoteRunWire;

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
