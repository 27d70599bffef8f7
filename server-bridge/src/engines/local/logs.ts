/**
 * A task's log (stdout and stderr interleaved): its tail, or followed live
 * until the task ends. Following polls the file by offset: simple, and it
 * sees exactly what is on disk, so a reader never misses or repeats a byte.
 * A cached task shows the log of the task whose outputs it reused.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Store } from './store';
import { EngineError, FINISHED_TASK_STATES, RunWithTasks, TaskRecord } from './types';

const POLL_MS = 200;

function taskOf(run: RunWithTasks, name: string): TaskRecord {
  const task = run.tasks.find(t => t.name === name);
  if (!task) {
    throw new EngineError(`run ${run.id} has no task ${name}`, 404);
  }
  return task;
}

function logFile(store: Store, task: TaskRecord): string | null {
  if (task.cached && task.cachedFrom) {
    return store.getTask(task.cachedFrom.run, task.cachedFrom.task)?.logs?.combined ?? null;
  }
  return task.logs?.combined ?? null;
}

function readFrom(path: string, offset: number): { text: Buffer; size: number } {
  if (!existsSync(path)) {
    return { text: Buffer.alloc(0), size: 0 };
  }
  const size = statSync(path).size;
  if (size <= offset) {
    return { text: Buffer.alloc(0), size };
  }
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    return { text: buffer.subarray(0, read), size: offset + read };
  } finally {
    closeSync(fd);
  }
}

function tailOf(text: string, lines?: number): string {
  if (lines === undefined) {
    return text;
  }
  if (lines <= 0) {
    return '';
  }
  const parts = text.split('\n');
  const trailing = parts[parts.length - 1] === '' ? 1 : 0;
  return parts.slice(Math.max(0, parts.length - trailing - lines)).join('\n');
}

export function readLog(store: Store, run: RunWithTasks, name: string, tail?: number): string {
  const path = logFile(store, taskOf(run, name));
  return path ? tailOf(readFrom(path, 0).text.toString('utf-8'), tail) : '';
}

export async function* followLog(
  store: Store,
  run: RunWithTasks,
  name: string,
  options: { tail?: number; signal?: AbortSignal } = {}
): AsyncGenerator<string> {
  taskOf(run, name);
  let offset = 0;
  let first = true;
  const decoder = new TextDecoder('utf-8');
  for (;;) {
    const task = store.getTask(run.id, name)!;
    const path = logFile(store, task);
    const finished = FINISHED_TASK_STATES.includes(task.state) && !(task.state === 'running');
    if (path) {
      const { text, size } = readFrom(path, offset);
      offset = size;
      let chunk = decoder.decode(text, { stream: !finished });
      if (first) {
        chunk = tailOf(chunk, options.tail);
      }
      first = false;
      if (chunk) {
        yield chunk;
      }
    }
    if (finished || options.signal?.aborted) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}
