/**
 * One KServe model server process per live version, supervised.
 *
 * - Loopback only, on a free port the pool picks; the port never leaves
 *   the bridge (the API shows a state, not an address).
 * - Its own process group, so stop reaches anything it started; its stdin
 *   is a pipe from us and it exits when that closes (`--watch_stdin`), so
 *   a bridge killed with SIGKILL leaves no server behind.
 * - Ready when `GET /v2/models/{name}/ready` answers 200.
 * - A crash (or no readiness in time) restarts it after a backoff that
 *   doubles from 0.5 s up to 30 s, reset once it has stayed up a minute.
 *   Exit 78 (kserve missing) and 65 (the model does not load) are final:
 *   restarting cannot fix them; the state says `failed` with the reason.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { killGroup } from '../engines/local/executor';
import type { ServerStatus } from './types';

export const LOOPBACK = '127.0.0.1';
const FINAL_EXIT_CODES = new Set([65, 78]);
const STDERR_TAIL = 8 * 1024;

export interface ServerSpec {
  python: string;
  modelDir: string;
  modelName: string;
  /** The server's stdout and stderr. */
  logFile: string;
}

export interface PoolOptions {
  /** jupyterlab_kubeflow/serving/model_server.py (see script.ts). */
  script: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  graceMs?: number;
  backoffMs?: { initial: number; max: number; resetAfter: number };
  /** Called when a server's state changes (the service publishes an event). */
  onChange?: (key: string, status: ServerStatus) => void;
}

interface Entry {
  spec: ServerSpec;
  status: ServerStatus;
  child: ChildProcess | null;
  port: number | null;
  stopping: boolean;
  backoff: number;
  readySince: number | null;
  timer: NodeJS.Timeout | null;
  /** Waiters for the next `ready` (or a final failure). */
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
  exited: Promise<void>;
}

export class ServerPool {
  private entries = new Map<string, Entry>();
  private opts: Required<Omit<PoolOptions, 'onChange' | 'env'>> & Pick<PoolOptions, 'onChange' | 'env'>;

  constructor(options: PoolOptions) {
    this.opts = {
      readyTimeoutMs: 90_000,
      graceMs: 5_000,
      backoffMs: { initial: 500, max: 30_000, resetAfter: 60_000 },
      ...options
    };
  }

  /** Starts the server for `key` unless it runs already. */
  ensure(key: string, spec: ServerSpec): void {
    if (this.entries.has(key)) {
      return;
    }
    const entry: Entry = {
      spec, status: { state: 'starting', restarts: 0, error: null }, child: null, port: null, stopping: false,
      backoff: this.opts.backoffMs.initial, readySince: null, timer: null, waiters: [], exited: Promise.resolve()
    };
    this.entries.set(key, entry);
    void this.launch(key, entry);
  }

  status(key: string): ServerStatus | null {
    const entry = this.entries.get(key);
    return entry ? { ...entry.status } : null;
  }

  /** The loopback port of a ready server: for the router only, never for a client. */
  port(key: string): number | null {
    const entry = this.entries.get(key);
    return entry?.status.state === 'ready' ? entry.port : null;
  }

  /** The server process id (tests kill it to see it come back). */
  pid(key: string): number | null {
    return this.entries.get(key)?.child?.pid ?? null;
  }

  /** Resolves when the server is ready; rejects when it failed for good or after `timeoutMs`. */
  whenReady(key: string, timeoutMs = this.opts.readyTimeoutMs): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) {
      return Promise.reject(new Error('no model server for this version'));
    }
    if (entry.status.state === 'ready') {
      return Promise.resolve();
    }
    if (entry.status.state === 'failed') {
      return Promise.reject(new Error(entry.status.error ?? 'the model server failed'));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        entry.waiters = entry.waiters.filter(w => w !== waiter);
        reject(new Error(`the model server is not ready after ${Math.round(timeoutMs / 1000)}s (${entry.status.state})`));
      }, timeoutMs);
      const waiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err: Error) => (clearTimeout(timer), reject(err))
      };
      entry.waiters.push(waiter);
    });
  }

  /** Stops one server: SIGTERM to its group, SIGKILL after the grace period. */
  async stop(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) {
      return;
    }
    entry.stopping = true;
    clearTimeout(entry.timer ?? undefined);
    this.entries.delete(key);
    const child = entry.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      killGroup(child.pid, 'SIGTERM');
      const kill = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), this.opts.graceMs);
      await entry.exited;
      clearTimeout(kill);
    }
    this.settle(entry, new Error('the model server was stopped'));
    entry.status = { ...entry.status, state: 'stopped' };
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.entries.keys()].map(key => this.stop(key)));
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  private setState(key: string, entry: Entry, patch: Partial<ServerStatus>): void {
    entry.status = { ...entry.status, ...patch };
    if (!entry.stopping) {
      this.opts.onChange?.(key, { ...entry.status });
    }
  }

  private settle(entry: Entry, err?: Error): void {
    const waiters = entry.waiters;
    entry.waiters = [];
    waiters.forEach(w => (err ? w.reject(err) : w.resolve()));
  }

  private async launch(key: string, entry: Entry): Promise<void> {
    if (entry.stopping) {
      return;
    }
    const port = await freePort();
    const { spec } = entry;
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const log: WriteStream = createWriteStream(spec.logFile, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} starting on ${LOOPBACK}:${port}\n`);
    const child = spawn(
      spec.python,
      [this.opts.script, '--model_dir', spec.modelDir, '--model_name', spec.modelName, '--http_port', String(port), '--watch_stdin'],
      { env: this.opts.env ?? process.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] }
    );
    entry.child = child;
    entry.port = port;
    let tail = '';
    child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf-8')).slice(-STDERR_TAIL);
    });
    child.stdin!.on('error', () => undefined); // EPIPE when it has exited
    let spawnError: string | null = null;
    entry.exited = new Promise(resolve => {
      child.once('error', err => {
        spawnError = `cannot start ${spec.python}: ${err.message}`;
        if (child.pid === undefined) {
          resolve();
          this.onExit(key, entry, child, null, spawnError, '');
        }
      });
      child.once('exit', (code, signal) => {
        log.end();
        resolve();
        this.onExit(key, entry, child, code, spawnError ?? (signal ? `killed by ${signal}` : `exited with code ${code}`), tail);
      });
    });
    void this.pollReady(key, entry, child, port);
  }

  private async pollReady(key: string, entry: Entry, child: ChildProcess, port: number): Promise<void> {
    const deadline = Date.now() + this.opts.readyTimeoutMs;
    const url = `http://${LOOPBACK}:${port}/v2/models/${encodeURIComponent(entry.spec.modelName)}/ready`;
    while (entry.child === child && child.exitCode === null && child.signalCode === null && !entry.stopping) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          entry.readySince = Date.now();
          this.setState(key, entry, { state: 'ready', error: null });
          this.settle(entry);
          return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        tailNote(entry, `not ready after ${Math.round(this.opts.readyTimeoutMs / 1000)}s`);
        killGroup(child.pid!, 'SIGKILL'); // treated as a crash: restarted
        return;
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }

  private onExit(key: string, entry: Entry, child: ChildProcess, code: number | null, why: string, tail: string): void {
    if (entry.child !== child || entry.stopping) {
      return;
    }
    // Stragglers in its group go with it, as with a step.
    if (child.pid !== undefined) {
      killGroup(child.pid, 'SIGKILL');
    }
    const lastLine = tail.trim().split('\n').filter(Boolean).pop() ?? '';
    const error = lastLine ? `${why}: ${lastLine}` : why;
    if (code !== null && FINAL_EXIT_CODES.has(code)) {
      this.setState(key, entry, { state: 'failed', error });
      this.settle(entry, new Error(error));
      return;
    }
    const { initial, max, resetAfter } = this.opts.backoffMs;
    if (entry.readySince !== null && Date.now() - entry.readySince > resetAfter) {
      entry.backoff = initial;
    }
    const delay = entry.backoff;
    entry.backoff = Math.min(max, entry.backoff * 2);
    entry.readySince = null;
    this.setState(key, entry, { state: 'restarting', restarts: entry.status.restarts + 1, error });
    entry.timer = setTimeout(() => void this.launch(key, entry), delay);
  }
}

function tailNote(entry: Entry, note: string): void {
  entry.status = { ...entry.status, error: note };
}

/** A free loopback port (the OS picks; a lost race only costs a restart). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
