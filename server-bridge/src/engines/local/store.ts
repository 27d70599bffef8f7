/**
 * Run history in one SQLite file under the data folder.
 *
 * Every state change is its own `BEGIN IMMEDIATE ... COMMIT` and is
 * committed before the engine acknowledges or publishes it, so a bridge
 * killed at any moment loses nothing it has reported. On open, runs that a
 * dead engine left running are marked `interrupted` (history intact).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './schema';
import { Database, inTransaction, JournalMode, openDatabase, probeWal } from './sqlite';
import { json, num, parse, Row, RUN_COLUMNS, runOf, TASK_COLUMNS, taskOf } from './rows';
import type { RunRecord, RunWithTasks, TaskRecord } from './types';

export const DB_FILE = 'runs.sqlite';

/** This engine's identity in `runs.owner`: a run is ours while we live. */
export const OWNER = `${hostname()}:${process.pid}`;

export interface RecoveredTask {
  run: string;
  task: string;
  pid: number | null;
  root: string;
}

export class Store {
  readonly db: Database;
  readonly journalMode: JournalMode;
  /** Tasks that were running when their engine died (for process cleanup). */
  readonly recovered: RecoveredTask[];

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.journalMode = probeWal(dataDir);
    this.db = openDatabase(join(dataDir, DB_FILE), this.journalMode);
    this.migrate();
    this.recovered = this.recover();
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one write transaction: all of it is committed, or none. */
  transaction<T>(fn: () => T): T {
    return inTransaction(this.db, fn);
  }

  insertRun(run: RunRecord, ir: object, tasks: TaskRecord[]): void {
    this.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (id, notebook, pipeline, state, params, options, created_at, started_at,
             finished_at, error, metrics, root, user, rerun_of, ir, owner, engine, remote)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          run.id, run.notebook, run.pipeline, run.state, JSON.stringify(run.parameters),
          JSON.stringify(run.options), run.createdAt, run.startedAt, run.finishedAt, json(run.error),
          json(run.metrics), run.root, run.user, run.rerunOf, JSON.stringify(ir), OWNER,
          run.engine ?? 'local', json(run.remote)
        );
      const insert = this.db.prepare(
        `INSERT INTO tasks (run_id, name, position, state, dependencies) VALUES (?, ?, ?, ?, ?)`
      );
      for (const task of tasks) {
        insert.run(run.id, task.name, task.position, task.state, JSON.stringify(task.dependencies));
      }
    });
  }

  updateRun(id: string, patch: Partial<RunRecord>): void {
    this.update('runs', 'id = ?', [id], RUN_COLUMNS, patch);
  }

  updateTask(run: string, task: string, patch: Partial<TaskRecord>): void {
    this.update('tasks', 'run_id = ? AND name = ?', [run, task], TASK_COLUMNS, patch);
  }

  /** Several task changes at once (a failure skipping everything downstream). */
  updateTasks(run: string, patches: { [task: string]: Partial<TaskRecord> }): void {
    this.transaction(() => {
      for (const [task, patch] of Object.entries(patches)) {
        this.update('tasks', 'run_id = ? AND name = ?', [run, task], TASK_COLUMNS, patch, false);
      }
    });
  }

  getRun(id: string): RunWithTasks | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    if (!row) {
      return null;
    }
    const tasks = this.db.prepare('SELECT * FROM tasks WHERE run_id = ? ORDER BY position').all(id) as Row[];
    return { ...runOf(row), tasks: tasks.map(taskOf) };
  }

  getTask(run: string, name: string): TaskRecord | null {
    const row = this.db.prepare('SELECT * FROM tasks WHERE run_id = ? AND name = ?').get(run, name) as Row | undefined;
    return row ? taskOf(row) : null;
  }

  /** Newest first; `notebook` filters on the path the runs were started from. */
  listRuns(filter: { notebook?: string; limit?: number } = {}): RunRecord[] {
    const limit = filter.limit ?? 200;
    const rows = (
      filter.notebook === undefined
        ? this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT * FROM runs WHERE notebook = ? ORDER BY created_at DESC, id DESC LIMIT ?')
            .all(filter.notebook, limit)
    ) as Row[];
    return rows.map(runOf);
  }

  /** Unfinished runs of one engine (the kubeflow engine resumes following them). */
  unfinishedRuns(engine: string): RunRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE engine = ? AND state IN ('pending', 'running') ORDER BY created_at`)
      .all(engine) as Row[];
    return rows.map(runOf);
  }

  getIr(id: string): object | null {
    const row = this.db.prepare('SELECT ir FROM runs WHERE id = ?').get(id) as Row | undefined;
    return row ? parse<object>(row.ir, {}) : null;
  }

  /** Succeeded tasks with this cache key, newest first. */
  cacheCandidates(key: string): { run: string; task: TaskRecord }[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM tasks WHERE cache_key = ? AND state = 'succeeded'
         ORDER BY finished_at DESC LIMIT 20`
      )
      .all(key) as Row[];
    return rows.map(row => ({ run: String(row.run_id), task: taskOf(row) }));
  }

  private update(
    table: string,
    where: string,
    keys: string[],
    columns: { [key: string]: [string, (v: unknown) => unknown] | undefined },
    patch: object,
    ownTransaction = true
  ): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      const column = columns[key];
      if (!column) {
        throw new Error(`store: ${table}.${key} cannot be updated`);
      }
      sets.push(`${column[0]} = ?`);
      values.push(column[1](value));
    }
    if (sets.length === 0) {
      return;
    }
    const statement = this.db.prepare(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`);
    const apply = () => statement.run(...(values as never[]), ...(keys as never[]));
    if (ownTransaction) {
      this.transaction(apply);
    } else {
      apply();
    }
  }

  private migrate(): void {
    const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `${join(this.dataDir, DB_FILE)} was written by a newer jupyterlab-kubeflow (schema ${version})`
      );
    }
    this.transaction(() => {
      // A new file gets the version 1 tables, then every migration.
      this.db.exec(SCHEMA);
      for (let from = Math.max(version, 1); from < SCHEMA_VERSION; from++) {
        this.db.exec(MIGRATIONS[from]);
      }
      this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  }

  /**
   * Runs whose engine is gone (a bridge killed mid-run) become
   * `interrupted`, with every unfinished task. A run owned by a live engine
   * on this host (a second Jupyter server on the same data folder) is left
   * alone; so is one from another host, which we cannot check.
   */
  private recover(): RecoveredTask[] {
    const open = this.db
      // A kubeflow run goes on in the cluster: its engine picks it up again.
      .prepare(`SELECT id, owner, root FROM runs WHERE state IN ('pending', 'running') AND engine = 'local'`)
      .all() as Row[];
    const orphaned = open.filter(row => ownerIsGone(String(row.owner)));
    if (orphaned.length === 0) {
      return [];
    }
    const now = Date.now();
    const recovered: RecoveredTask[] = [];
    this.transaction(() => {
      for (const row of orphaned) {
        const id = String(row.id);
        const tasks = this.db
          .prepare(`SELECT name, pid, state FROM tasks WHERE run_id = ? AND state IN ('pending', 'running')`)
          .all(id) as Row[];
        for (const task of tasks) {
          if (task.state === 'running') {
            recovered.push({ run: id, task: String(task.name), pid: num(task.pid), root: String(row.root) });
          }
        }
        this.db
          .prepare(
            `UPDATE tasks SET state = 'interrupted', finished_at = COALESCE(finished_at, ?), pid = NULL
             WHERE run_id = ? AND state IN ('pending', 'running')`
          )
          .run(now, id);
        const error = { message: 'the bridge stopped while this run was in progress' };
        this.db
          .prepare(`UPDATE runs SET state = 'interrupted', finished_at = ?, error = ? WHERE id = ?`)
          .run(now, JSON.stringify(error), id);
      }
    });
    return recovered;
  }
}

function ownerIsGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== hostname()) {
    return false;
  }
  if (pid === process.pid) {
    return true; // a store reopened in the same process: that engine closed
  }
  return !processAlive(pid);
}

/** True when `pid` is a live process (a zombie is not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: "pid (comm) S ..."; a zombie has exited and only awaits reaping.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf-8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
