/**
 * Step caching: a task whose program, interpreter, input values and input
 * artifact contents match an earlier successful task is not run again;
 * its outputs are copied (reflinked where the filesystem can) into this
 * run, and no process starts.
 *
 * The key hashes the executor's command and args *templates* (so paths of
 * this run do not matter), the rendered input parameters and the SHA-256
 * digest of every input artifact's files. The interpreter is in it too: the
 * same program under another Python (other packages) is another computation.
 */
import { createHash } from 'node:crypto';
import { constants, cpSync, createReadStream, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TaskPlan } from './ir';
import type { Store } from './store';
import type { TaskOutputs, TaskRecord } from './types';

export interface CacheKeyInput {
  task: TaskPlan;
  python: string;
  parameters: { [name: string]: string };
  artifactDigests: { [name: string]: string };
}

const sorted = (o: { [k: string]: string }) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

export function cacheKey(input: CacheKeyInput): string {
  const canonical = JSON.stringify({
    v: 1,
    command: input.task.command,
    args: input.task.args,
    env: sorted(input.task.env),
    python: input.python,
    parameters: sorted(input.parameters),
    artifacts: sorted(input.artifactDigests)
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function fileDigest(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', chunk => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        out.push(full);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** SHA-256 over an artifact's files: their relative paths and contents. */
export async function artifactDigest(path: string): Promise<string> {
  if (!existsSync(path)) {
    return 'missing';
  }
  const hash = createHash('sha256');
  for (const file of filesUnder(path)) {
    hash.update(`${relative(path, file)}\0${await fileDigest(file)}\n`);
  }
  return hash.digest('hex');
}

export interface CacheHit {
  run: string;
  task: TaskRecord;
  outputs: TaskOutputs;
}

/** The newest earlier success with this key whose artifacts still exist. */
export function findCacheHit(store: Store, key: string, excludeRun: string): CacheHit | null {
  for (const candidate of store.cacheCandidates(key)) {
    const outputs = candidate.task.outputs;
    if (candidate.run === excludeRun || !outputs) {
      continue;
    }
    if (Object.values(outputs.artifacts).every(a => existsSync(a.path))) {
      return { run: candidate.run, task: candidate.task, outputs };
    }
  }
  return null;
}

/** Copies a hit's artifacts to this task's own paths (later runs may prune the old run). */
export function reuseOutputs(hit: CacheHit, targets: { [name: string]: string }): TaskOutputs {
  const artifacts: TaskOutputs['artifacts'] = {};
  for (const [name, target] of Object.entries(targets)) {
    const source = hit.outputs.artifacts[name];
    if (!source) {
      throw new Error(`cached task ${hit.run}/${hit.task.name} has no output ${name}`);
    }
    rmSync(target, { recursive: true, force: true });
    cpSync(source.path, target, { recursive: true, mode: constants.COPYFILE_FICLONE });
    artifacts[name] = { ...source, path: target };
  }
  return { artifacts, parameters: { ...hit.outputs.parameters } };
}
