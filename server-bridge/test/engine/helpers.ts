/**
 * Shared by the engine specs: notebooks built as JSON with `kubeflow` cell
 * metadata (analysed and compiled by core, as in the product), an engine
 * on a real SQLite file in a temp folder, real Python subprocesses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalEngine, LocalEngineOptions } from '../../src/engines/local/engine';
import type { RunWithTasks, TaskRecord } from '../../src/engines/local/types';

export const REPO = resolve(__dirname, '../../..');
/** The test venv's Python: numpy, pandas and scikit-learn are there. */
export const PYTHON = join(REPO, '.venv/bin/python');
export const BRIDGE = join(REPO, 'jupyterlab_kubeflow/bridge/kubeflow-bridge.cjs');

export const code = (source: string, kubeflow?: unknown) => ({
  cell_type: 'code',
  source,
  metadata: kubeflow === undefined ? {} : { kubeflow },
  outputs: [],
  execution_count: null
});

export const notebook = (cells: unknown[], settings?: unknown) => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: settings === undefined ? {} : { kubeflow: settings },
  cells
});

export interface Sandbox {
  dir: string;
  root: string;
  data: string;
  write(name: string, content: unknown): string;
  engine(options?: Partial<LocalEngineOptions>): LocalEngine;
  cleanup(): Promise<void>;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflow-engine-'));
  const engines: LocalEngine[] = [];
  const box: Sandbox = {
    dir,
    root: join(dir, 'root'),
    data: join(dir, 'data'),
    write(name, content) {
      const path = join(box.root, name);
      require('node:fs').mkdirSync(require('node:path').dirname(path), { recursive: true });
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return name;
    },
    engine(options = {}) {
      const engine = new LocalEngine({ dataDir: box.data, rootDir: box.root, python: PYTHON, graceMs: 1000, ...options });
      engines.push(engine);
      return engine;
    },
    async cleanup() {
      for (const engine of engines) {
        try {
          await engine.shutdown();
        } catch {
          // closed already
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
  require('node:fs').mkdirSync(box.root, { recursive: true });
  return box;
}

export function task(run: RunWithTasks, name: string): TaskRecord {
  const found = run.tasks.find(t => t.name === name);
  if (!found) {
    throw new Error(`no task ${name} in ${run.tasks.map(t => t.name).join(', ')}`);
  }
  return found;
}

/** True while `pid` runs (a zombie, exited and awaiting its reaper, does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf-8') as string;
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export async function until<T>(check: () => T | undefined | null | false, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) {
      return value;
    }
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await new Promise(r => setTimeout(r, 50));
  }
}
