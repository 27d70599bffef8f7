/**
 * One task attempt as a subprocess.
 *
 * The process leads its own process group (`detached`), so cancel and
 * timeout reach whatever the step started too (a `subprocess.Popen`, a
 * joblib worker): SIGTERM to the group, SIGKILL after a grace period. When
 * the step's main process exits, stragglers left in its group are killed,
 * as a container's end would kill them on a cluster.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { LogPaths } from './types';

export interface ExecOptions {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logs: LogPaths;
  /** 0: no limit. */
  timeoutSeconds: number;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Written to the combined log first (attempt headers). */
  header?: string;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  spawnError?: string;
  /** The end of stderr, for the traceback (the whole of it is in the log). */
  stderrTail: string;
  startedAt: number;
  finishedAt: number;
}

/** Keep this much of stderr in memory: a traceback's end is what we need. */
const STDERR_TAIL = 256 * 1024;

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is gone already
  }
}

export class TaskProcess {
  readonly pid: number | undefined;
  readonly done: Promise<ExecResult>;
  private cancelled = false;
  private timedOut = false;
  private exited = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private options: ExecOptions) {
    const streams = openLogs(options.logs);
    if (options.header) {
      streams.combined.write(options.header);
    }
    const startedAt = Date.now();
    const [command, ...args] = options.argv;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    this.pid = child.pid;
    let stderrTail = '';
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      streams[stream].write(chunk);
      streams.combined.write(chunk);
      const text = chunk.toString('utf-8');
      if (stream === 'stderr') {
        stderrTail = (stderrTail + text).slice(-STDERR_TAIL);
      }
      options.onOutput?.(stream, text);
    };
    child.stdout!.on('data', take('stdout'));
    child.stderr!.on('data', take('stderr'));

    const timeout =
      options.timeoutSeconds > 0
        ? setTimeout(() => {
            this.timedOut = true;
            this.stop();
          }, options.timeoutSeconds * 1000)
        : undefined;

    this.done = new Promise<ExecResult>(resolve => {
      let spawnError: string | undefined;
      let settled = false;
      const finish = (exitCode: number | null, signal: string | null) => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timeout);
        clearTimeout(this.killTimer);
        void closeLogs(streams).then(() =>
          resolve({
            exitCode,
            signal,
            timedOut: this.timedOut,
            cancelled: this.cancelled,
            spawnError,
            stderrTail,
            startedAt,
            finishedAt: Date.now()
          })
        );
      };
      child.once('error', err => {
        spawnError = `cannot start ${command}: ${err.message}`;
        if (child.pid === undefined) {
          finish(null, null);
        }
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        if (child.pid !== undefined) {
          killGroup(child.pid, 'SIGKILL');
        }
        // stdio may stay open if a straggler escaped the group: do not wait forever.
        const late = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code, signal);
        }, 2000);
        child.once('close', () => {
          clearTimeout(late);
          finish(code, signal);
        });
      });
    });
  }

  /** Cancel: SIGTERM to the group, SIGKILL after the grace period. */
  cancel(): void {
    this.cancelled = true;
    this.stop();
  }

  private stop(): void {
    if (this.pid === undefined || this.exited) {
      return;
    }
    killGroup(this.pid, 'SIGTERM');
    this.killTimer = setTimeout(() => killGroup(this.pid!, 'SIGKILL'), this.options.graceMs);
  }
}

type LogStreams = { [key in keyof LogPaths]: WriteStream };

function openLogs(paths: LogPaths): LogStreams {
  const open = (path: string) => {
    mkdirSync(dirname(path), { recursive: true });
    return createWriteStream(path, { flags: 'a' });
  };
  return { combined: open(paths.combined), stdout: open(paths.stdout), stderr: open(paths.stderr) };
}

function closeLogs(streams: LogStreams): Promise<void> {
  return Promise.all(
    Object.values(streams).map(s => new Promise<void>(resolve => s.end(() => resolve())))
  ).then(() => undefined);
}
