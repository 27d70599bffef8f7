/**
 * `kubeflow-bridge tune NOTEBOOK --space name=loguniform:1e-4:1e-1 ...
 * --objective METRIC --maximize|--minimize --trials N [--parallel K]
 * [--algorithm tpe] [--seed S] [--max-failed N] [--goal G] [--no-cache] [--json]
 * [--python PATH] [--data-dir DIR]`: a local study, headless.
 * `--no-cache` reruns every step in every trial (for comparison only).
 *
 * One line per finished trial on stderr. `--json` ends stdout with
 *   {"study", "state", "reason", "best": {"parameters", "metrics"} | null,
 *    "trials": [{"number", "parameters", "metrics", "state", "run", "duration_s"}]}
 * Exit 0 when the study finished with at least one successful trial; 1 when
 * it failed (or the notebook/spec is refused); 2 usage error; 130 Ctrl+C
 * (the study is stopped; `--data-dir` keeps it for the Tune view).
 * `--python` runs both the steps and Optuna (it needs `optuna`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalEngine } from '../engines/local/engine';
import { EngineError } from '../engines/local/types';
import { ALGORITHMS, Algorithm, DEFAULT_BUDGET, StudySpec } from '../../../core/src/tuning/spec';
import { parseSpaceArg, SpaceSyntaxError } from '../../../core/src/tuning/space';
import { StudyManager } from '../tuning/manager';
import type { StudyWithTrials } from '../tuning/types';
import { CommandIO, PROCESS_IO } from './io';
import { UsageError } from './usage';

export interface TuneReport {
  study: string;
  state: string;
  reason: string | null;
  best: { parameters: { [name: string]: unknown }; metrics: { [name: string]: number } } | null;
  trials: {
    number: number; parameters: { [name: string]: unknown }; metrics: { [name: string]: number } | null;
    state: string; run: string | null; duration_s: number | null;
  }[];
}

export function tuneReport(study: StudyWithTrials): TuneReport {
  return {
    study: study.id,
    state: study.state,
    reason: study.reason,
    best: study.best && { parameters: study.best.parameters, metrics: study.best.metrics },
    trials: study.trials.map(t => ({
      number: t.number, parameters: t.parameters, metrics: t.metrics, state: t.state, run: t.run,
      duration_s: t.durationMs === null ? null : t.durationMs / 1000
    }))
  };
}

function whole(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`${flag} must be a whole number >= ${min}, not '${text}'`);
  }
  return n;
}

export async function tune(argv: string[], env: NodeJS.ProcessEnv, io: CommandIO = PROCESS_IO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string', multiple: true, default: [] },
      objective: { type: 'string' },
      maximize: { type: 'boolean', default: false },
      minimize: { type: 'boolean', default: false },
      goal: { type: 'string' },
      trials: { type: 'string' },
      parallel: { type: 'string' },
      'max-failed': { type: 'string' },
      algorithm: { type: 'string', default: 'tpe' },
      seed: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      python: { type: 'string' },
      'data-dir': { type: 'string' }
    },
    allowPositionals: true,
    strict: true
  });
  if (positionals.length !== 1) {
    throw new UsageError('expected one NOTEBOOK argument');
  }
  if (values.maximize === values.minimize) {
    throw new UsageError('give one of --maximize or --minimize');
  }
  if (!values.objective) {
    throw new UsageError('--objective METRIC is required (a name of the metrics cell)');
  }
  if (!(ALGORITHMS as readonly string[]).includes(values.algorithm!)) {
    throw new UsageError(`--algorithm must be one of ${ALGORITHMS.join(', ')}, not '${values.algorithm}'`);
  }
  if (values.space!.length === 0) {
    throw new UsageError('give at least one --space NAME=FORM');
  }
  const goal = values.goal === undefined ? undefined : Number(values.goal);
  if (goal !== undefined && !Number.isFinite(goal)) {
    throw new UsageError(`--goal must be a number, not '${values.goal}'`);
  }
  let parameters;
  try {
    parameters = values.space!.map(parseSpaceArg);
  } catch (err) {
    throw err instanceof SpaceSyntaxError ? new UsageError(err.message) : err;
  }
  const maxTrials = whole(values.trials, '--trials', 1) ?? DEFAULT_BUDGET.maxTrials;
  const spec: StudySpec = {
    parameters,
    objective: { metric: values.objective, direction: values.maximize ? 'maximize' : 'minimize', ...(goal === undefined ? {} : { goal }) },
    algorithm: values.algorithm as Algorithm,
    budget: {
      maxTrials,
      parallelTrials: whole(values.parallel, '--parallel', 1) ?? 1,
      maxFailedTrials: whole(values['max-failed'], '--max-failed', 0) ?? DEFAULT_BUDGET.maxFailedTrials
    },
    ...(values.seed === undefined ? {} : { seed: whole(values.seed, '--seed', 0)! })
  };
  const notebook = resolve(positionals[0]);
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : mkdtempSync(join(tmpdir(), 'kubeflow-tune-'));
  const note = (text: string) => io.stderr(`[kubeflow] ${text}\n`);

  const engine = new LocalEngine({ dataDir, rootDir: dirname(notebook), env, python: values.python });
  const studies = new StudyManager(engine, { python: values.python });
  studies.onEvent(event => {
    if (event.type !== 'trial' || event.trial.state === 'running') {
      return;
    }
    const t = event.trial;
    const params = Object.entries(t.parameters).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    const outcome = t.state === 'succeeded' ? `${spec.objective.metric}=${t.objective}` : `${t.state}${t.error ? `: ${t.error}` : ''}`;
    const seconds = t.durationMs === null ? '' : ` · ${(t.durationMs / 1000).toFixed(1)}s`;
    note(`trial ${t.number}: ${params} -> ${outcome}${seconds}`);
  });
  let id: string;
  try {
    id = (await studies.create({ notebook: { path: basename(notebook) }, spec, cache: !values['no-cache'] })).id;
  } catch (err) {
    await engine.shutdown();
    if (err instanceof EngineError) {
      io.stderr(`kubeflow-bridge tune: ${positionals[0]}: ${err.field ? `${err.field}: ` : ''}${err.message}\n`);
      return err.field?.startsWith('notebook.') ? 2 : 1;
    }
    throw err;
  }
  note(`study ${id} · ${spec.algorithm} · ${maxTrials} trials · data in ${dataDir}`);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    note('stopping the study (Ctrl+C)');
    void studies.stop(id).catch(() => undefined);
  };
  process.once('SIGINT', onSigint);
  const finished = await studies.wait(id);
  process.removeListener('SIGINT', onSigint);
  await engine.shutdown();

  const best = finished.best;
  note(`study ${finished.state}${finished.reason ? ` (${finished.reason})` : ''} · ${finished.counts.succeeded} succeeded, ${finished.counts.failed} failed` +
    (best ? ` · best trial ${best.trial}: ${spec.objective.metric}=${best.objective} with ${JSON.stringify(best.parameters)}` : ''));
  if (finished.error) {
    note(`error: ${finished.error}`);
  }
  if (values.json) {
    io.stdout(JSON.stringify(tuneReport(finished), null, 2) + '\n');
  }
  return interrupted ? 130 : finished.state === 'succeeded' && finished.counts.succeeded > 0 ? 0 : 1;
}
