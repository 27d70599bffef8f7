/**
 * Studies and their trials in the run history's SQLite file. Like the
 * runs, every change is committed before it is published, so a bridge
 * killed at any moment has lost nothing it reported.
 */
import { hostname } from 'node:os';
import { Database, inTransaction } from '../engines/local/sqlite';
import { processAlive } from '../engines/local/store';
import type { StudySpec } from '../../../core/src/tuning/spec';
import { COMPONENT_VERSIONS, STUDY_MIGRATIONS, STUDY_SCHEMA_VERSION } from './schema';
import type { KatibStudyStatus, StudyBest, StudyCounts, StudyReason, StudyRecord, StudyState, StudyWithTrials, TrialRecord } from './types';

type Row = { [column: string]: unknown };

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const parse = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : fallback);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export const STUDY_OWNER = `${hostname()}:${process.pid}`;

/** What a study needs to run trials, beyond its record. */
export interface StudyRuntime {
  storage: string;
  ir: object;
  cwd: string | null;
  options: { python: string; cache?: boolean; driverPython: string; parallelism: number; trialParallelism: number };
}

export class StudyStore {
  constructor(private db: Database) {
    this.migrate();
  }

  private tx<T>(fn: () => T): T {
    return inTransaction(this.db, fn);
  }

  private migrate(): void {
    this.tx(() => {
      this.db.exec(COMPONENT_VERSIONS);
      const row = this.db.prepare(`SELECT version FROM component_versions WHERE component = 'studies'`).get() as Row | undefined;
      const version = row ? Number(row.version) : 0;
      if (version > STUDY_SCHEMA_VERSION) {
        throw new Error(`the studies tables were written by a newer jupyterlab-kubeflow (version ${version})`);
      }
      for (let from = version; from < STUDY_SCHEMA_VERSION; from++) {
        this.db.exec(STUDY_MIGRATIONS[from]);
      }
      this.db.prepare(`INSERT OR REPLACE INTO component_versions (component, version) VALUES ('studies', ?)`).run(STUDY_SCHEMA_VERSION);
    });
  }

  insertStudy(study: StudyRecord, runtime: StudyRuntime): void {
    this.tx(() =>
      this.db
        .prepare(
          `INSERT INTO studies (id, notebook, pipeline, spec, state, reason, error, user, created_at, finished_at,
             storage, ir, cwd, options, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          study.id, study.notebook, study.pipeline, JSON.stringify(study.spec), study.state, study.reason, study.error,
          study.user, study.createdAt, study.finishedAt, runtime.storage, JSON.stringify(runtime.ir), runtime.cwd,
          JSON.stringify(runtime.options), STUDY_OWNER
        )
    );
  }

  /** A Katib study: no Optuna storage or runtime; the Experiment is where it runs. */
  insertKatibStudy(study: StudyRecord & { namespace: string; experiment: string; katib: KatibStudyStatus }, ir: object): void {
    this.tx(() =>
      this.db
        .prepare(
          `INSERT INTO studies (id, notebook, pipeline, spec, state, reason, error, user, created_at, finished_at,
             storage, ir, cwd, options, owner, target, namespace, experiment, katib)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, NULL, '{}', ?, 'kubeflow', ?, ?, ?)`
        )
        .run(
          study.id, study.notebook, study.pipeline, JSON.stringify(study.spec), study.state, study.reason, study.error,
          study.user, study.createdAt, study.finishedAt, JSON.stringify(ir), STUDY_OWNER, study.namespace, study.experiment,
          JSON.stringify(study.katib)
        )
    );
  }

  /** Katib studies whose Experiment may still change (to watch again after a restart). */
  unfinishedKatib(): string[] {
    const rows = this.db.prepare(`SELECT id FROM studies WHERE target = 'kubeflow' AND finished_at IS NULL`).all() as Row[];
    return rows.map(row => String(row.id));
  }

  setKatibStatus(id: string, katib: KatibStudyStatus): void {
    this.tx(() => this.db.prepare('UPDATE studies SET katib = ? WHERE id = ?').run(JSON.stringify(katib), id));
  }

  updateStudy(id: string, patch: { state?: StudyState; reason?: StudyReason; error?: string | null; finishedAt?: number | null; owner?: boolean }): void {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    const set = (column: string, value: string | number | null) => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (patch.state !== undefined) set('state', patch.state);
    if (patch.reason !== undefined) set('reason', patch.reason);
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.finishedAt !== undefined) set('finished_at', patch.finishedAt);
    if (patch.owner) set('owner', STUDY_OWNER);
    if (sets.length) {
      this.tx(() => this.db.prepare(`UPDATE studies SET ${sets.join(', ')} WHERE id = ?`).run(...values, id));
    }
  }

  insertTrial(study: string, trial: TrialRecord): void {
    this.tx(() =>
      this.db
        .prepare(
          `INSERT INTO study_trials (study_id, number, state, params, metrics, objective, run_id, started_at, finished_at, error, name, condition)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(study, trial.number, trial.state, JSON.stringify(trial.parameters), json(trial.metrics), trial.objective,
          trial.run, trial.startedAt, trial.finishedAt, trial.error, trial.name ?? null, trial.condition ?? null)
    );
  }

  /**
   * A Katib Trial as seen now: replaces the row with its name, or adds one
   * numbered after the others (Katib trials have no number: the order the
   * bridge first saw them). Returns the record.
   */
  putKatibTrial(study: string, trial: Omit<TrialRecord, 'number' | 'durationMs'> & { name: string }): TrialRecord {
    return this.tx(() => {
      const found = this.db.prepare('SELECT number FROM study_trials WHERE study_id = ? AND name = ?').get(study, trial.name) as Row | undefined;
      const number = found
        ? Number(found.number)
        : Number((this.db.prepare('SELECT COALESCE(MAX(number), -1) + 1 AS n FROM study_trials WHERE study_id = ?').get(study) as Row).n);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO study_trials (study_id, number, state, params, metrics, objective, run_id, started_at, finished_at, error, name, condition)
           VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`
        )
        .run(study, number, trial.state, JSON.stringify(trial.parameters), json(trial.metrics), trial.objective,
          trial.startedAt, trial.finishedAt, trial.error, trial.name, trial.condition ?? null);
      return trialOf(this.db.prepare('SELECT * FROM study_trials WHERE study_id = ? AND number = ?').get(study, number) as Row);
    });
  }

  updateTrial(study: string, number: number, patch: Partial<Pick<TrialRecord, 'state' | 'metrics' | 'objective' | 'run' | 'finishedAt' | 'error'>>): void {
    const columns: { [key: string]: [string, (v: unknown) => unknown] } = {
      state: ['state', v => v], metrics: ['metrics', json], objective: ['objective', v => v], run: ['run_id', v => v],
      finishedAt: ['finished_at', v => v], error: ['error', v => v]
    };
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      return;
    }
    const sql = `UPDATE study_trials SET ${entries.map(([k]) => `${columns[k][0]} = ?`).join(', ')} WHERE study_id = ? AND number = ?`;
    const values = entries.map(([k, v]) => columns[k][1](v)) as (string | number | null)[];
    this.tx(() => this.db.prepare(sql).run(...values, study, number));
  }

  trials(study: string): TrialRecord[] {
    const rows = this.db.prepare('SELECT * FROM study_trials WHERE study_id = ? ORDER BY number').all(study) as Row[];
    return rows.map(trialOf);
  }

  getStudy(id: string): StudyWithTrials | null {
    const row = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as Row | undefined;
    if (!row) {
      return null;
    }
    const trials = this.trials(id);
    return { ...studyOf(row, trials), trials };
  }

  runtime(id: string): StudyRuntime | null {
    const row = this.db.prepare('SELECT storage, ir, cwd, options FROM studies WHERE id = ?').get(id) as Row | undefined;
    return row
      ? { storage: String(row.storage), ir: parse<object>(row.ir, {}), cwd: row.cwd === null ? null : String(row.cwd), options: parse(row.options, {} as StudyRuntime['options']) }
      : null;
  }

  /** Newest first. */
  listStudies(filter: { notebook?: string; limit?: number } = {}): StudyRecord[] {
    const limit = filter.limit ?? 200;
    const rows = (filter.notebook === undefined
      ? this.db.prepare('SELECT * FROM studies ORDER BY created_at DESC, id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM studies WHERE notebook = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(filter.notebook, limit)) as Row[];
    return rows.map(row => studyOf(row, this.trials(String(row.id))));
  }

  /** Studies left `running` by a bridge that is gone (on this host): to resume. */
  orphaned(): string[] {
    // Katib studies run on the cluster: nothing here to resume (katib-watch.ts watches them again).
    const rows = this.db.prepare(`SELECT id, owner FROM studies WHERE state = 'running' AND target = 'local'`).all() as Row[];
    return rows.filter(row => ownerIsGone(String(row.owner))).map(row => String(row.id));
  }
}

function ownerIsGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  if (owner.slice(0, at) !== hostname()) {
    return false; // another host's bridge: we cannot tell, leave it alone
  }
  const pid = Number(owner.slice(at + 1));
  return pid === process.pid || !processAlive(pid);
}

function trialOf(row: Row): TrialRecord {
  const startedAt = Number(row.started_at);
  const finishedAt = num(row.finished_at);
  return {
    number: Number(row.number),
    state: String(row.state) as TrialRecord['state'],
    parameters: parse(row.params, {}),
    metrics: parse(row.metrics, null),
    objective: num(row.objective),
    run: row.run_id === null ? null : String(row.run_id),
    startedAt,
    finishedAt,
    durationMs: finishedAt === null ? null : finishedAt - startedAt,
    error: row.error === null ? null : String(row.error),
    // Katib trials only: local records keep exactly their old shape.
    ...(row.name === null || row.name === undefined ? {} : { name: String(row.name) }),
    ...(row.condition === null || row.condition === undefined ? {} : { condition: String(row.condition) })
  };
}

export function countsOf(trials: TrialRecord[]): StudyCounts {
  const count = (...states: TrialRecord['state'][]) => trials.filter(t => states.includes(t.state)).length;
  return {
    trials: trials.length,
    succeeded: count('succeeded'),
    failed: count('failed'),
    running: count('running'),
    retried: count('interrupted', 'cancelled')
  };
}

export function bestOf(spec: StudySpec, trials: TrialRecord[]): StudyBest | null {
  let best: TrialRecord | null = null;
  for (const t of trials) {
    if (t.state !== 'succeeded' || t.objective === null) {
      continue;
    }
    const better = spec.objective.direction === 'maximize' ? t.objective > (best?.objective ?? -Infinity) : t.objective < (best?.objective ?? Infinity);
    if (best === null || better) {
      best = t;
    }
  }
  return best && { trial: best.number, parameters: best.parameters, metrics: best.metrics ?? {}, objective: best.objective! };
}

function studyOf(row: Row, trials: TrialRecord[]): StudyRecord {
  const spec = parse<StudySpec>(row.spec, {} as StudySpec);
  return {
    id: String(row.id),
    notebook: row.notebook === null ? null : String(row.notebook),
    pipeline: String(row.pipeline),
    target: row.target === 'kubeflow' ? 'kubeflow' : 'local',
    spec,
    state: String(row.state) as StudyState,
    reason: (row.reason ?? null) as StudyReason,
    error: row.error === null ? null : String(row.error),
    user: row.user === null ? null : String(row.user),
    createdAt: Number(row.created_at),
    finishedAt: num(row.finished_at),
    counts: countsOf(trials),
    best: bestOf(spec, trials),
    ...(row.target === 'kubeflow'
      ? { namespace: String(row.namespace), experiment: String(row.experiment), katib: parse<KatibStudyStatus | undefined>(row.katib, undefined) }
      : {})
  };
}
