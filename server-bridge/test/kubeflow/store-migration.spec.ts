/** Schema 1 (local runs only) -> 2 (engine, remote) and later: an older history opens unchanged. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA, SCHEMA_VERSION } from '../../src/engines/local/schema';
import { DB_FILE, Store } from '../../src/engines/local/store';

type Sqlite = typeof import('node:sqlite');

it('a version 1 history gains engine and remote; its runs stay local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflow-store-'));
  try {
    const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as Sqlite;
    const old = new DatabaseSync(join(dir, DB_FILE));
    old.exec(SCHEMA);
    old.exec('PRAGMA user_version = 1');
    old.prepare(
      `INSERT INTO runs (id, notebook, pipeline, state, params, options, created_at, root, ir, owner)
       VALUES ('r1', 'a.ipynb', 'a', 'succeeded', '{}', '{}', 1, '/tmp/r1', '{}', 'elsewhere:1')`
    ).run();
    old.close();

    const store = new Store(dir);
    expect(store.getRun('r1')).toMatchObject({ id: 'r1', state: 'succeeded', engine: 'local', remote: null });
    expect((store.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    store.updateRun('r1', { remote: { runId: 'k', experimentId: 'e', experiment: 'x', namespace: 'n', serviceAccount: 's', pipelineId: 'p', pipelineVersionId: 'v', state: 'RUNNING' } });
    store.close();
    const again = new Store(dir); // reopening a migrated file migrates nothing
    expect(again.getRun('r1')!.remote).toMatchObject({ runId: 'k', namespace: 'n' });
    expect(again.unfinishedRuns('kubeflow')).toEqual([]);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
