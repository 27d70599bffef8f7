/**
 * Deployments in the run history's SQLite file (tables from schema
 * migration 2 -> 3), so a restarted bridge serves them again. Every
 * configuration change is one transaction; the router's counters are kept
 * in memory and written by `flushStats` (see router.ts for why).
 */
import type { Store } from '../engines/local/store';
import type { DeploymentRecord, Gate, Role, Routing, VersionRecord, VersionStats } from './types';

type Row = { [column: string]: unknown };

const parse = <T>(text: unknown, fallback: T): T => {
  try {
    return text === null || text === undefined ? fallback : (JSON.parse(String(text)) as T);
  } catch {
    return fallback;
  }
};

function versionOf(row: Row): VersionRecord {
  return {
    id: String(row.id),
    role: String(row.role) as Role,
    run: String(row.run_id),
    task: String(row.task),
    output: String(row.output),
    path: String(row.path),
    format: String(row.format),
    modelType: row.model_type === null ? null : String(row.model_type),
    metrics: parse(row.metrics, {}),
    python: String(row.python),
    createdAt: Number(row.created_at),
    stats: {
      requests: Number(row.requests),
      errors: Number(row.errors),
      rewards: Number(row.rewards),
      rewardSum: Number(row.reward_sum)
    }
  };
}

export class DeploymentStore {
  constructor(private store: Store) {}

  private get db() {
    return this.store.db;
  }

  list(): DeploymentRecord[] {
    const rows = this.db.prepare('SELECT * FROM deployments ORDER BY created_at, name').all() as Row[];
    return rows.map(row => this.recordOf(row));
  }

  get(name: string): DeploymentRecord | null {
    const row = this.db.prepare('SELECT * FROM deployments WHERE name = ?').get(name) as Row | undefined;
    return row ? this.recordOf(row) : null;
  }

  create(record: Omit<DeploymentRecord, 'versions'>, first: VersionRecord): void {
    this.store.transaction(() => {
      this.db
        .prepare('INSERT INTO deployments (name, user, created_at, updated_at, routing, gate) VALUES (?, ?, ?, ?, ?, ?)')
        .run(record.name, record.user, record.createdAt, record.updatedAt, JSON.stringify(record.routing), record.gate === null ? null : JSON.stringify(record.gate));
      this.insertVersion(record.name, first);
    });
  }

  /** Adds a version and applies role changes to others, in one transaction. */
  addVersion(name: string, version: VersionRecord, roles: { [id: string]: Role } = {}): void {
    this.store.transaction(() => {
      this.insertVersion(name, version);
      this.applyRoles(name, roles);
    });
  }

  setRoles(name: string, roles: { [id: string]: Role }): void {
    this.store.transaction(() => this.applyRoles(name, roles));
  }

  setRouting(name: string, routing: Routing): void {
    this.store.transaction(() => {
      this.db.prepare('UPDATE deployments SET routing = ?, updated_at = ? WHERE name = ?').run(JSON.stringify(routing), Date.now(), name);
    });
  }

  setGate(name: string, gate: Gate | null): void {
    this.store.transaction(() => {
      this.db.prepare('UPDATE deployments SET gate = ?, updated_at = ? WHERE name = ?').run(gate === null ? null : JSON.stringify(gate), Date.now(), name);
    });
  }

  delete(name: string): void {
    this.store.transaction(() => {
      this.db.prepare('DELETE FROM deployment_versions WHERE deployment = ?').run(name);
      this.db.prepare('DELETE FROM deployments WHERE name = ?').run(name);
    });
  }

  /** Writes the counters (absolute values) of the versions given. */
  flushStats(stats: { deployment: string; version: string; stats: VersionStats }[]): void {
    if (stats.length === 0) {
      return;
    }
    this.store.transaction(() => {
      const update = this.db.prepare(
        'UPDATE deployment_versions SET requests = ?, errors = ?, rewards = ?, reward_sum = ? WHERE deployment = ? AND id = ?'
      );
      for (const s of stats) {
        update.run(s.stats.requests, s.stats.errors, s.stats.rewards, s.stats.rewardSum, s.deployment, s.version);
      }
    });
  }

  private insertVersion(name: string, v: VersionRecord): void {
    const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM deployment_versions WHERE deployment = ?').get(name) as { n: number };
    this.db
      .prepare(
        `INSERT INTO deployment_versions (deployment, id, role, run_id, task, output, path, format, model_type,
           metrics, python, created_at, position, requests, errors, rewards, reward_sum)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(name, v.id, v.role, v.run, v.task, v.output, v.path, v.format, v.modelType, JSON.stringify(v.metrics), v.python,
        v.createdAt, Number(n), v.stats.requests, v.stats.errors, v.stats.rewards, v.stats.rewardSum);
  }

  private applyRoles(name: string, roles: { [id: string]: Role }): void {
    const update = this.db.prepare('UPDATE deployment_versions SET role = ? WHERE deployment = ? AND id = ?');
    for (const [id, role] of Object.entries(roles)) {
      update.run(role, name, id);
    }
    this.db.prepare('UPDATE deployments SET updated_at = ? WHERE name = ?').run(Date.now(), name);
  }

  private recordOf(row: Row): DeploymentRecord {
    const name = String(row.name);
    const versions = this.db
      .prepare('SELECT * FROM deployment_versions WHERE deployment = ? ORDER BY position')
      .all(name) as Row[];
    return {
      name,
      user: row.user === null ? null : String(row.user),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      routing: parse<Routing>(row.routing, { mode: 'split', challengerPercent: 0 }),
      gate: parse<Gate | null>(row.gate, null),
      versions: versions.map(versionOf)
    };
  }
}
