/**
 * The studies' tables, in the run history's SQLite file (so a trial's run
 * id always points into the same history). They carry their own version in
 * `component_versions` instead of the runs' `PRAGMA user_version`: the
 * runs schema is migrated by the engine's store and other features add
 * tables there too, so a second counter on one integer would race; this
 * one is ours alone. STUDY_MIGRATIONS[n] takes version n to n + 1.
 */
export const STUDY_SCHEMA_VERSION = 2;

export const STUDY_MIGRATIONS: { [from: number]: string } = {
  0: `
CREATE TABLE IF NOT EXISTS studies (
  id          TEXT PRIMARY KEY,
  notebook    TEXT,
  pipeline    TEXT NOT NULL,
  spec        TEXT NOT NULL,
  state       TEXT NOT NULL,
  reason      TEXT,
  error       TEXT,
  user        TEXT,
  created_at  INTEGER NOT NULL,
  finished_at INTEGER,
  -- Optuna's RDB storage (a SQLite file) and the study's name in it
  storage     TEXT NOT NULL,
  -- the compiled PipelineSpec: every trial runs this program, even if the notebook changes
  ir          TEXT NOT NULL,
  -- where steps run (the notebook's folder), the steps' Python, per-run options
  cwd         TEXT,
  options     TEXT NOT NULL,
  -- host:pid of the bridge driving the study (a dead owner's study is resumed)
  owner       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS studies_by_notebook ON studies (notebook, created_at);

CREATE TABLE IF NOT EXISTS study_trials (
  study_id    TEXT NOT NULL REFERENCES studies (id),
  number      INTEGER NOT NULL,
  state       TEXT NOT NULL,
  params      TEXT NOT NULL,
  metrics     TEXT,
  objective   REAL,
  run_id      TEXT,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  error       TEXT,
  PRIMARY KEY (study_id, number)
);
`,
  // Katib studies (target 'kubeflow'): the Experiment they follow and Katib's last
  // word on it; their trials are Trial objects, named. Local rows keep the defaults.
  1: `
ALTER TABLE studies ADD COLUMN target TEXT NOT NULL DEFAULT 'local';
ALTER TABLE studies ADD COLUMN namespace TEXT;
ALTER TABLE studies ADD COLUMN experiment TEXT;
-- KatibStudyStatus as JSON
ALTER TABLE studies ADD COLUMN katib TEXT;
ALTER TABLE study_trials ADD COLUMN name TEXT;
-- the Trial's Katib condition (Created, Running, Succeeded, ...)
ALTER TABLE study_trials ADD COLUMN condition TEXT;
`
};

export const COMPONENT_VERSIONS = `
CREATE TABLE IF NOT EXISTS component_versions (
  component TEXT PRIMARY KEY,
  version   INTEGER NOT NULL
);
`;
