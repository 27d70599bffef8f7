/**
 * Node side of bench/local_engine.py: runs chain notebooks on the local
 * engine in-process, so Node's start-up is not counted (nor is Python's
 * import of kfp or papermill on the other side). Bundled by esbuild and run
 * on the bridge's Node.
 *
 * Usage: node driver.cjs PYTHON REPS NOTEBOOK...; prints one JSON object:
 * {"node": version, "results": {notebook: {"tasks": n, "wall": [ms], "busy": [ms]}}}
 *
 * wall = engine.start() (read, analyse, compile, plan) until engine.wait()
 *        resolves (every task finished and the run committed to SQLite);
 * busy = the sum of the tasks' own recorded intervals (start to finish of
 *        each step's process, as the store has them).
 * Caching is off: every task really runs. One untimed warm-up run first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalEngine } from '../server-bridge/src/engines/local/engine';

async function once(engine: LocalEngine, notebook: string): Promise<{ wall: number; busy: number; tasks: number }> {
  const began = performance.now();
  const started = await engine.start({ notebook: { path: basename(notebook) }, options: { cache: false } });
  const run = await engine.wait(started.id);
  const wall = performance.now() - began;
  if (run.state !== 'succeeded') {
    throw new Error(`${notebook}: run ${run.state}: ${JSON.stringify(run.error)}`);
  }
  const busy = run.tasks.reduce((sum, t) => sum + (t.finishedAt! - t.startedAt!), 0);
  return { wall, busy, tasks: run.tasks.length };
}

async function main([python, reps, ...notebooks]: string[]) {
  const data = mkdtempSync(join(tmpdir(), 'kubeflow-bench-engine-'));
  try {
    const results: { [path: string]: { tasks: number; wall: number[]; busy: number[] } } = {};
    for (const notebook of notebooks) {
      const engine = new LocalEngine({ dataDir: join(data, basename(notebook)), rootDir: dirname(notebook), python });
      try {
        const { tasks } = await once(engine, notebook); // warm-up
        const entry = (results[notebook] = { tasks, wall: [] as number[], busy: [] as number[] });
        for (let i = 0; i < Number(reps); i++) {
          const r = await once(engine, notebook);
          entry.wall.push(r.wall);
          entry.busy.push(r.busy);
        }
      } finally {
        await engine.shutdown();
      }
    }
    process.stdout.write(JSON.stringify({ node: process.version, results }) + '\n');
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch(err => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
