/**
 * The run history's SQL. `PRAGMA user_version` holds SCHEMA_VERSION; a
 * later version adds a migration (MIGRATIONS) instead of editing these tables.
 *
 * Times are integers (ms since the epoch) so attempt intervals compare
 * exactly; structured fields are JSON text.
 */
export const SCHEMA_VERSION = 3;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id          TEXT PRIMARY KEY,
  notebook    TEXT,
  pipeline    TEXT NOT NULL,
  state       TEXT NOT NULL,
  params      TEXT NOT NULL,
  options     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER,
  error       TEXT,
  metrics     TEXT,
  root        TEXT NOT NULL,
  user        TEXT,
  rerun_of    TEXT,
  -- the compiled PipelineSpec, so a rerun repeats exactly this program
  ir          TEXT NOT NULL,
  -- host:pid of the engine driving the run (see Store.recover)
  owner       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_notebook ON runs (notebook, created_at);

CREATE TABLE IF NOT EXISTS tasks (
  run_id       TEXT NOT NULL REFERENCES runs (id),
  name         TEXT NOT NULL,
  position     INTEGER NOT NULL,
  state        TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  started_at   INTEGER,
  finished_at  INTEGER,
  cache_key    TEXT,
  cached       INTEGER NOT NULL DEFAULT 0,
  cached_from  TEXT,
  error        TEXT,
  logs         TEXT,
  outputs      TEXT,
  dependencies TEXT NOT NULL,
  history      TEXT NOT NULL DEFAULT '[]',
  pid          INTEGER,
  PRIMARY KEY (run_id, name)
);
CREATE INDEX IF NOT EXISTS tasks_by_cache_key ON tasks (cache_key, state);
`;

/**
 * MIGRATIONS[n] takes a database at version n to n + 1. Only additive,
 * so an older bridge's history opens unchanged (every old run is local).
 * The version 1 tables above are created first, then every step runs.
 */
export const MIGRATIONS: { [from: number]: string } = {
  // 1 -> 2: runs of the kubeflow engine share the history. `engine` says
  // which engine drives a run; `remote` is the KFP run's coordinates
  // (run id, experiment id, namespace, pipeline version) as JSON.
  1: `
ALTER TABLE runs ADD COLUMN engine TEXT NOT NULL DEFAULT 'local';
ALTER TABLE runs ADD COLUMN remote TEXT;
`,
  // 2 -> 3: deployments (server-bridge/src/serving/store.ts). A version's
  // stats are the router's counters, flushed about once a second.
  2: `
CREATE TABLE IF NOT EXISTS deployments (
  name       TEXT PRIMARY KEY,
  user       TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  routing    TEXT NOT NULL,
  gate       TEXT
);
CREATE TABLE IF NOT EXISTS deployment_versions (
  deployment TEXT NOT NULL REFERENCES deployments (name) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  role       TEXT NOT NULL,
  run_id     TEXT NOT NULL,
  task       TEXT NOT NULL,
  output     TEXT NOT NULL,
  path       TEXT NOT NULL,
  format     TEXT NOT NULL,
  model_type TEXT,
  metrics    TEXT NOT NULL,
  python     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  requests   INTEGER NOT NULL DEFAULT 0,
  errors     INTEGER NOT NULL DEFAULT 0,
  rewards    INTEGER NOT NULL DEFAULT 0,
  reward_sum REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (deployment, id)
);
`
};
