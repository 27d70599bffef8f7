/**
 * `kubeflow-bridge run NOTEBOOK [--param name=value ...] [--no-cache]
 * [--json] [--python PATH] [--data-dir DIR] [--parallelism N] [--timeout S]`:
 * the pipeline on the local engine, without JupyterLab (CI of notebooks).
 *
 * Task output streams as `[task] line`, with a progress line per task state
 * change (stderr). `--json` keeps stdout for one JSON document at the end:
 *   {"state", "run", "tasks": [{"name","state","duration_s","cached"}],
 *    "metrics": {...}, "outputs": {task: {output: path or value}}, "error"}
 * Exit 0 only when the run succeeded; 1 when it failed, was cancelled or the
 * notebook does not compile; 2 usage error or unreadable notebook; 130 Ctrl+C.
 * Without --data-dir, history and artifacts go to a new temp folder (kept,
 * and named on stderr, so the outputs can be read afterwards).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalEngine } from '../engines/local/engine';
import { EngineError, RunWithTasks, TaskRecord } from '../engines/local/types';
import { CommandIO, PROCESS_IO } from './io';
import { EXIT_UNREADABLE } from './notebook-file';
import { UsageError } from './usage';

export interface RunReport {
  state: string;
  run: string;
  tasks: { name: string; state: string; duration_s: number | null; cached: boolean }[];
  metrics: { [name: string]: number };
  outputs: { [task: string]: { [output: string]: unknown } };
  error: RunWithTasks['error'];
}

function parameters(pairs: string[]): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`--param ${pair}: expected name=value`);
    }
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

function positiveNumber(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (integer && (!Number.isInteger(n) || n < 1))) {
    throw new UsageError(`${flag} must be a ${integer ? 'whole number >= 1' : 'number of seconds >= 0'}, not '${text}'`);
  }
  return n;
}

const seconds = (t: TaskRecord) =>
  t.startedAt !== null && t.finishedAt !== null ? Math.round(t.finishedAt - t.startedAt) / 1000 : null;

export function runReport(run: RunWithTasks): RunReport {
  const outputs: RunReport['outputs'] = {};
  for (const t of run.tasks) {
    if (t.outputs) {
      outputs[t.name] = {
        ...Object.fromEntries(Object.entries(t.outputs.artifacts).map(([name, a]) => [name, a.path])),
        ...t.outputs.parameters
      };
    }
  }
  return {
    state: run.state,
    run: run.id,
    tasks: run.tasks.map(t => ({ name: t.name, state: t.state, duration_s: seconds(t), cached: t.cached })),
    metrics: run.metrics ?? {},
    outputs,
    error: run.error
  };
}

export function failurePlace(error: NonNullable<RunWithTasks['error']>): string {
  const where = [
    error.task ? `task ${error.task}` : '',
    error.cell !== null && error.cell !== undefined ? `cell ${error.cell}` : '',
    error.line ? `line ${error.line}` : ''
  ].filter(Boolean);
  return `${where.join(', ')}${where.length ? ': ' : ''}${error.message}`;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv, io: CommandIO = PROCESS_IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      param: { type: 'string', multiple: true, default: [] },
      'no-cache': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      python: { type: 'string' },
      'data-dir': { type: 'string' },
      parallelism: { type: 'string' },
      timeout: { type: 'string' }
    },
    allowPositionals: true,
    strict: true
  });
  if (positionals.length !== 1) {
    throw new UsageError('expected one NOTEBOOK argument');
  }
  const notebook = resolve(positionals[0]);
  const params = parameters(values.param!);
  const options = {
    cache: !values['no-cache'],
    python: values.python,
    parallelism: positiveNumber(values.parallelism, '--parallelism', true),
    timeoutSeconds: positiveNumber(values.timeout, '--timeout', false)
  };
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : mkdtempSync(join(tmpdir(), 'kubeflow-run-'));
  // Logs go where the JSON is not.
  const say = values.json ? io.stderr : io.stdout;
  const note = (text: string) => io.stderr(`[kubeflow] ${text}\n`);

  const engine = new LocalEngine({ dataDir, rootDir: dirname(notebook), env });
  const partial = new Map<string, string>();
  engine.onOutput((_run, task, stream, text) => {
    const key = `${task}\0${stream}`;
    const lines = ((partial.get(key) ?? '') + text).split('\n');
    partial.set(key, lines.pop()!);
    lines.forEach(line => say(`[${task}] ${line}\n`));
  });
  const began = Date.now();
  engine.onEvent(event => {
    if (event.type !== 'task' || event.task.state === 'pending') {
      return;
    }
    const run = engine.get(event.run)!;
    const done = run.tasks.filter(t => !['pending', 'running'].includes(t.state)).length;
    const cached = event.task.cached ? ' (cached)' : '';
    const attempt = event.task.attempts > 1 && event.task.state === 'running' ? ` (attempt ${event.task.attempts})` : '';
    note(`${event.task.name}: ${event.task.state}${cached}${attempt} · ${done}/${run.tasks.length} done · ${((Date.now() - began) / 1000).toFixed(1)}s`);
  });

  let id: string;
  try {
    id = (await engine.start({ notebook: { path: basename(notebook) }, parameters: params, options })).id;
  } catch (err) {
    await engine.shutdown();
    if (err instanceof EngineError) {
      io.stderr(`kubeflow-bridge run: ${positionals[0]}: ${err.message}\n`);
      return err.field === 'notebook' ? 1 : err.field?.startsWith('parameters') ? 2 : EXIT_UNREADABLE;
    }
    throw err;
  }
  note(`run ${id} · data in ${dataDir}`);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    note('cancelling (Ctrl+C)');
    void engine.cancel(id).catch(() => undefined);
  };
  process.once('SIGINT', onSigint);
  const finished = await engine.wait(id);
  process.removeListener('SIGINT', onSigint);
  for (const [key, rest] of partial) {
    if (rest) {
      say(`[${key.split('\0')[0]}] ${rest}\n`);
    }
  }
  await engine.shutdown();

  const report = runReport(finished);
  const elapsed = ((Date.now() - began) / 1000).toFixed(1);
  const metrics = Object.entries(report.metrics).map(([k, v]) => `${k}=${v}`).join(' ');
  note(`run ${finished.state} in ${elapsed}s${metrics ? ` · ${metrics}` : ''}`);
  if (finished.error && finished.state !== 'succeeded') {
    note(`error: ${failurePlace(finished.error)}`);
  }
  if (values.json) {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  }
  return interrupted ? 130 : finished.state === 'succeeded' ? 0 : 1;
}
