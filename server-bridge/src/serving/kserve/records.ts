/**
 * Kubeflow deployments' records: one JSON file per InferenceService under
 * `<data-dir>/kserve/<namespace>/<name>.json`, written atomically. The
 * cluster holds the serving state; these hold what it cannot: which run
 * and metrics each version came from (the gate's numbers), the gate, the
 * routing and the bandit's counts. Not in the InferenceService's
 * annotations: KServe copies those into the Knative revision template, so
 * every counter update would roll out a new revision.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../cli/write-atomic';
import type { KServeRecord } from './types';

export class KServeRecords {
  constructor(private dir: string) {}

  private path(namespace: string, name: string): string {
    return join(this.dir, namespace, `${name}.json`);
  }

  get(namespace: string, name: string): KServeRecord | null {
    try {
      return JSON.parse(readFileSync(this.path(namespace, name), 'utf-8')) as KServeRecord;
    } catch {
      return null;
    }
  }

  list(namespace: string): KServeRecord[] {
    let names: string[];
    try {
      names = readdirSync(join(this.dir, namespace)).filter(n => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names.map(n => this.get(namespace, n.slice(0, -5))).filter((r): r is KServeRecord => r !== null)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  put(record: KServeRecord): void {
    mkdirSync(join(this.dir, record.namespace), { recursive: true });
    writeFileAtomic(this.path(record.namespace, record.name), JSON.stringify({ ...record, updatedAt: Date.now() }, null, 1));
  }

  delete(namespace: string, name: string): void {
    rmSync(this.path(namespace, name), { force: true });
  }
}
