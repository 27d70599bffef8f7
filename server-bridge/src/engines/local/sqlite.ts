/**
 * Opening the SQLite file with `node:sqlite` (built into Node 22.13+, no
 * native addon, no WebAssembly lock that survives a SIGKILL).
 *
 * Loaded through `process.getBuiltinModule` so that the bundle still loads
 * on an older Node (analyze and compile need no database) and so jest's
 * module registry, which predates `node:sqlite`, is not involved.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync as DatabaseSyncType } from 'node:sqlite';

export type Database = DatabaseSyncType;

type SqliteModule = typeof import('node:sqlite');

function sqliteModule(): SqliteModule {
  const mod = process.getBuiltinModule?.('node:sqlite') as SqliteModule | undefined;
  if (!mod) {
    throw new Error(
      `the local engine needs node:sqlite (Node 22.13 or newer); this is Node ${process.versions.node}`
    );
  }
  return mod;
}

export type JournalMode = 'wal' | 'delete';

/**
 * WAL does not work on network filesystems (NFS home folders are common
 * under JupyterHub): try it on a scratch file in the same folder first.
 */
export function probeWal(dir: string): JournalMode {
  const { DatabaseSync } = sqliteModule();
  const scratch = join(dir, `.wal-probe-${process.pid}.db`);
  let mode: JournalMode = 'delete';
  try {
    const db = new DatabaseSync(scratch);
    try {
      const row = db.prepare('PRAGMA journal_mode=WAL').get() as { journal_mode?: string };
      if (row?.journal_mode === 'wal') {
        db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
        mode = 'wal';
      }
    } finally {
      db.close();
    }
  } catch {
    mode = 'delete';
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      rmSync(scratch + suffix, { force: true });
    }
  }
  return mode;
}

export function openDatabase(path: string, mode: JournalMode): Database {
  const { DatabaseSync } = sqliteModule();
  const db = new DatabaseSync(path, { timeout: 5000 });
  // FULL in both modes: an acknowledged state change survives a power cut
  // too, and WAL + FULL still does thousands of commits a second.
  db.exec(mode === 'wal' ? 'PRAGMA journal_mode=WAL' : 'PRAGMA journal_mode=DELETE');
  db.exec('PRAGMA synchronous=FULL');
  db.exec('PRAGMA foreign_keys=ON');
  return db;
}

/**
 * Runs `fn` in one write transaction: all of it is committed, or none.
 * `node:sqlite` has no helper for this; every store uses this one.
 */
export function inTransaction<T>(db: Database, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
