/**
 * Deployments: the vocabulary the store, the router, the API and the events
 * share (one shape, like the runs'). A deployment serves one name; its
 * versions are model outputs of runs. At most one champion and one
 * challenger are live; versions they replaced stay as `retired`, for
 * rollback and history.
 */

export type Role = 'champion' | 'challenger' | 'retired';

/** Where the model server of a live version is in its life. */
export type ServerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';

export type Direction = 'maximize' | 'minimize';

/** Promotion gate: the challenger's `metric` must beat the champion's by `margin` or more. */
export interface Gate {
  metric: string;
  direction: Direction;
  /** >= 0, in the metric's own unit (0.01 = one point of accuracy). */
  margin: number;
}

/**
 * How requests are split between champion and challenger.
 * - split: a fixed share for the challenger (0 to 100 %).
 * - epsilon-greedy: with probability epsilon a random live version, else
 *   the one with the best mean reward so far.
 * - thompson: one draw from each version's Beta(alpha + rewards,
 *   beta + failures) posterior; the highest draw answers.
 * `seed` makes the router's choices repeatable (tests, simulations).
 */
export type Routing =
  | { mode: 'split'; challengerPercent: number; seed?: number }
  | { mode: 'epsilon-greedy'; epsilon: number; seed?: number }
  | { mode: 'thompson'; prior: { alpha: number; beta: number }; seed?: number };

/** What a version has served and earned: the bandits' whole state. */
export interface VersionStats {
  requests: number;
  errors: number;
  /** Feedback posts received, and the sum of their rewards (each in [0, 1]). */
  rewards: number;
  rewardSum: number;
}

export interface VersionRecord {
  /** `v1`, `v2`, ... in the order versions were added. */
  id: string;
  role: Role;
  run: string;
  /** The run's task that produced the output, and the output's name. */
  task: string;
  output: string;
  /** The artifact folder (`kubeflow.json` + the model file). */
  path: string;
  /** From kubeflow.json: `joblib`, `pickle`, ... and the saved Python type. */
  format: string;
  modelType: string | null;
  /** The run's metrics when the version was added (what the gate compares). */
  metrics: { [name: string]: number };
  /** The interpreter that ran the step: the model loads with its packages. */
  python: string;
  createdAt: number;
  stats: VersionStats;
}

export interface DeploymentRecord {
  name: string;
  user: string | null;
  createdAt: number;
  updatedAt: number;
  routing: Routing;
  gate: Gate | null;
  versions: VersionRecord[];
}

/** A live version's model server, as the API shows it (never its port). */
export interface ServerStatus {
  state: ServerState;
  restarts: number;
  /** Why it is failed or restarting (the end of its stderr). */
  error: string | null;
}

/** The API's and the events' shape: the record plus live server states. */
export interface DeploymentView extends DeploymentRecord {
  /** Where it runs (Kubeflow deployments add `namespace`, `mode` and `kserve`: serving/kserve/types.ts). */
  target?: 'local' | 'kubeflow';
  /** The bridge path to predict on (behind Jupyter: `{base_url}kubeflow/api/...`). */
  url: string;
  versions: (VersionRecord & { server: ServerStatus | null })[];
}

export type DeploymentEvent = { type: 'deployment'; deployment: DeploymentView | { name: string; deleted: true } };
