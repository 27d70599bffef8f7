/**
 * Why a task failed, in the user's terms: the notebook cell and line that
 * raised, read from the step program's traceback (cells run as files named
 * `<cell N>`, see core/src/compile/runtime.py.ts) and its one-line
 * `[kubeflow] error: ...` summary.
 */
import type { TaskError } from './types';

const CELL_FRAME = /File "<cell (\d+)>", line (\d+)/g;
const ERROR_LINE = /^\[kubeflow\] error: (.*)$/gm;
const CELL_MARKER = /^\[kubeflow\] step \S+ cell (\d+)$/gm;

function last(pattern: RegExp, text: string): RegExpExecArray | null {
  let found: RegExpExecArray | null = null;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    found = m;
  }
  return found;
}

export interface ExitFacts {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  timeoutSeconds?: number;
  spawnError?: string;
}

export function describeFailure(task: string, stderr: string, exit: ExitFacts): TaskError {
  // The innermost frame in notebook code: a helper in a functions cell
  // that raised is where the line to fix is.
  const frame = last(CELL_FRAME, stderr);
  let cell: number | null = frame ? Number(frame[1]) : null;
  const line = frame ? Number(frame[2]) : null;
  let message: string;
  if (exit.spawnError) {
    message = exit.spawnError;
  } else if (exit.timedOut) {
    message = `timed out after ${exit.timeoutSeconds}s`;
    cell = cell ?? lastMarkerCell(stderr);
  } else {
    message =
      last(ERROR_LINE, stderr)?.[1] ??
      lastExceptionLine(stderr) ??
      (exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.exitCode}`);
  }
  return { task, message, cell, line, exitCode: exit.exitCode };
}

function lastMarkerCell(stderr: string): number | null {
  const m = last(CELL_MARKER, stderr);
  return m ? Number(m[1]) : null;
}

/** `ValueError: bad` at the end of a plain Python traceback. */
function lastExceptionLine(stderr: string): string | null {
  const lines = stderr.split('\n').map(l => l.trimEnd()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!/^\s/.test(lines[i]) && !lines[i].startsWith('[kubeflow]')) {
      return lines[i];
    }
  }
  return null;
}
