/**
 * The Optuna side of a study: one `optuna_driver.py` process per running
 * study, in the Jupyter server's Python (Optuna is a dependency of our
 * Python package, not of the bridge), spoken to in JSON lines. Requests go
 * one at a time, in order; a driver that dies fails every pending request
 * with its stderr, so the study can say why.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** From the bundle (jupyterlab_kubeflow/bridge/) or from the sources (server-bridge/src/tuning/). */
export function driverScript(): string {
  const candidates = [
    join(__dirname, '..', 'tuning', 'optuna_driver.py'),
    join(__dirname, '..', '..', '..', 'jupyterlab_kubeflow', 'tuning', 'optuna_driver.py')
  ];
  const found = candidates.find(existsSync);
  if (!found) {
    throw new Error(`optuna_driver.py not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

export class DriverError extends Error {}

export interface AskResult {
  number: number;
  params: { [name: string]: unknown };
}

export interface OptunaTrial {
  number: number;
  params: { [name: string]: unknown };
  value: number | null;
  state: 'running' | 'complete' | 'fail' | 'pruned' | 'waiting';
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class OptunaDriver {
  private proc: ChildProcess;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private stderr = '';
  private exited = false;

  constructor(python: string) {
    this.proc = spawn(python, ['-u', driverScript()], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    this.proc.stderr!.on('data', d => (this.stderr = (this.stderr + d).slice(-4000)));
    this.proc.on('error', err => this.fail(`cannot start ${python}: ${err.message}`));
    this.proc.on('exit', code => this.fail(`the Optuna driver exited (${code})${this.stderr ? `: ${lastLines(this.stderr)}` : ''}`));
    this.proc.stdin!.on('error', () => undefined);
    createInterface({ input: this.proc.stdout! }).on('line', line => {
      let reply: { id: number; ok: boolean; result?: unknown; error?: string };
      try {
        reply = JSON.parse(line);
      } catch {
        return;
      }
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) {
        p?.resolve(reply.result);
      } else {
        p?.reject(new DriverError(reply.error ?? 'the Optuna driver failed'));
      }
    });
  }

  /** One request; they are sent one after the other. */
  request<T>(op: string, body: object = {}): Promise<T> {
    const next = this.chain.then(
      () =>
        new Promise<T>((resolve, reject) => {
          if (this.exited) {
            reject(new DriverError(`the Optuna driver is gone${this.stderr ? `: ${lastLines(this.stderr)}` : ''}`));
            return;
          }
          const id = this.nextId++;
          this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          this.proc.stdin!.write(JSON.stringify({ id, op, ...body }) + '\n');
        })
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  open(body: object): Promise<{ trials: OptunaTrial[] }> {
    return this.request('open', body);
  }

  ask(): Promise<AskResult> {
    return this.request('ask');
  }

  tell(number: number, value: number | null): Promise<void> {
    return this.request('tell', value === null ? { number, state: 'fail' } : { number, value });
  }

  enqueue(params: { [name: string]: unknown }): Promise<void> {
    return this.request('enqueue', { params });
  }

  failRunning(): Promise<{ failed: number[] }> {
    return this.request('fail_running');
  }

  /** Ends the process (its storage is committed after every request). */
  close(): Promise<void> {
    if (this.exited) {
      return Promise.resolve();
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.proc.stdin!.end();
    });
  }

  private fail(message: string): void {
    this.exited = true;
    for (const p of this.pending.values()) {
      p.reject(new DriverError(message));
    }
    this.pending.clear();
  }
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' | ');
