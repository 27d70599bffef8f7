/**
 * Local studies: Optuna asks, the local engine runs each trial as an
 * ordinary run of the study's compiled pipeline (cache on, so steps that no
 * tuned parameter reaches are cache hits), Optuna is told the objective.
 *
 * Concurrency: at most min(parallelTrials, the engine's parallelism) trials
 * run at once, and each trial's run gets an equal share of the engine's
 * parallelism, so a study never runs more steps at once than one run could.
 *
 * Budget (Katib's meaning): maxTrials counts finished trials (succeeded +
 * failed); the study fails once more than maxFailedTrials have failed;
 * it stops asking once a trial reaches the goal. Trials that were running
 * when the user stopped the study (`cancelled`) or the bridge went away
 * (`interrupted`) are told FAIL to Optuna (so its storage never keeps a
 * phantom RUNNING trial), are not counted, and their parameters are
 * enqueued so the first trials after a resume try the same points again.
 *
 * Restart: a study left `running` by a dead bridge is resumed by
 * resumeOrphans(): its running trials are settled from their runs (which the
 * engine has marked `interrupted`, or which finished just before the bridge
 * died and are counted as such), Optuna's leftover RUNNING trials are
 * failed, and the loop goes on. Finished trials are never touched.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { LocalEngine } from '../engines/local/engine';
import { newRunId } from '../engines/local/engine';
import { compileNotebook, loadNotebook, NotebookSource } from '../engines/local/notebook';
import { DEFAULT_PYTHON } from '../engines/local/python';
import { EngineError, FINISHED_RUN_STATES, RunWithTasks } from '../engines/local/types';
import { analyzeNotebook } from '../../../core/src/analysis';
import type { PipelineParameter } from '../../../core/src/types';
import { gridValues } from '../../../core/src/tuning/grid';
import { trialValue } from '../../../core/src/tuning/space';
import type { StudySpec } from '../../../core/src/tuning/spec';
import { errorsOf, validateStudy } from '../../../core/src/tuning/validate';
import { OptunaDriver } from './driver';
import { countsOf, StudyRuntime, StudyStore } from './store';
import type { StudyEvent, StudyRecord, StudyWithTrials, TrialRecord } from './types';

export interface StudyManagerOptions {
  /** The Python with Optuna (the Jupyter server's); default: the engine's --python, else python3. */
  python?: string;
}

export interface CreateStudyRequest {
  notebook: NotebookSource;
  spec: StudySpec;
  user?: string;
  /** The steps' interpreter (default: the engine's). */
  python?: string;
  /** Step caching across trials (default on: it is what makes a trial rerun only what its parameters touch). */
  cache?: boolean;
}

interface Active {
  driver: OptunaDriver;
  /** Trial number -> settles once the trial is recorded as finished. */
  running: Map<number, { run: string; done: Promise<void> }>;
  stopping: boolean;
  /** The bridge is going away: record nothing more, the next bridge resumes. */
  closing: boolean;
  done: Promise<void>;
}

const PIPELINE_TYPES: { [irType: string]: PipelineParameter['type'] } = {
  NUMBER_INTEGER: 'int', NUMBER_DOUBLE: 'float', BOOLEAN: 'bool', STRING: 'str', LIST: 'list', STRUCT: 'dict'
};

export class StudyManager {
  readonly store: StudyStore;
  private active = new Map<string, Active>();
  private listeners = new Set<(event: StudyEvent) => void>();

  constructor(private engine: LocalEngine, private options: StudyManagerOptions = {}) {
    this.store = new StudyStore(engine.store.db);
  }

  onEvent(listener: (event: StudyEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Studies a dead bridge left running, resumed; returns their ids. */
  resumeOrphans(): string[] {
    const ids = this.store.orphaned();
    for (const id of ids) {
      this.store.updateStudy(id, { owner: true });
      this.begin(id, true);
    }
    return ids;
  }

  async create(request: CreateStudyRequest): Promise<StudyWithTrials> {
    const { doc, path } = loadNotebook(this.engine.options.rootDir, request.notebook);
    const graph = analyzeNotebook(doc, { defaultName: path ? path.split('/').pop()!.replace(/\.ipynb$/i, '') : undefined });
    const errors = errorsOf(validateStudy(request.spec, graph));
    if (errors.length) {
      throw new EngineError(errors[0].message, 400, `spec.${errors[0].field}`);
    }
    const compiled = compileNotebook(this.engine.options.rootDir, request.notebook);
    const id = newRunId();
    const limit = this.engine.options.parallelism ?? availableParallelism();
    const parallel = Math.max(1, Math.min(request.spec.budget.parallelTrials, limit));
    const dir = join(this.engine.options.dataDir, 'studies');
    mkdirSync(dir, { recursive: true });
    const runtime: StudyRuntime = {
      storage: join(dir, `${id}.optuna.sqlite`),
      ir: compiled.pipelineSpec,
      cwd: compiled.cwd,
      options: {
        python: request.python ?? this.engine.options.python ?? DEFAULT_PYTHON,
        cache: request.cache ?? true,
        driverPython: this.options.python ?? this.engine.options.python ?? DEFAULT_PYTHON,
        parallelism: parallel,
        trialParallelism: Math.max(1, Math.floor(limit / parallel))
      }
    };
    const study: StudyRecord = {
      id, notebook: compiled.path, pipeline: graph.pipeline.name, target: 'local', spec: request.spec, state: 'running',
      reason: null, error: null, user: request.user ?? null, createdAt: Date.now(), finishedAt: null,
      counts: countsOf([]), best: null
    };
    this.store.insertStudy(study, runtime);
    this.begin(id, false);
    this.emitStudy(id);
    return this.get(id)!;
  }

  get(id: string): StudyWithTrials | null {
    return this.store.getStudy(id);
  }

  list(filter: { notebook?: string; limit?: number } = {}): StudyRecord[] {
    return this.store.listStudies(filter);
  }

  /** Resolves when the study stopped driving trials (finished, stopped or failed). */
  async wait(id: string): Promise<StudyWithTrials> {
    await this.active.get(id)?.done;
    return this.require(id);
  }

  /** Cancels the running trials and stops; `resume` goes on later. */
  async stop(id: string): Promise<StudyWithTrials> {
    const study = this.require(id);
    const active = this.active.get(id);
    if (!active || study.state !== 'running') {
      throw new EngineError(`study ${id} is already ${study.state}`, 409);
    }
    active.stopping = true;
    await Promise.all([...active.running.values()].map(t => this.engine.cancel(t.run).catch(() => undefined)));
    await active.done;
    return this.require(id);
  }

  async resume(id: string): Promise<StudyWithTrials> {
    const study = this.require(id);
    if (this.active.has(id)) {
      throw new EngineError(`study ${id} is running`, 409);
    }
    if (study.state !== 'stopped' && !(study.state === 'failed' && study.reason === 'error')) {
      throw new EngineError(`study ${id} is ${study.state}${study.reason ? ` (${study.reason})` : ''}: only a stopped study resumes`, 409);
    }
    this.store.updateStudy(id, { state: 'running', reason: null, error: null, finishedAt: null, owner: true });
    this.begin(id, true);
    this.emitStudy(id);
    return this.require(id);
  }

  /**
   * The bridge is stopping: stop asking and recording, close the drivers.
   * Studies stay `running` in the store, so the next bridge resumes them;
   * call before the engine's shutdown (which interrupts the trials' runs).
   */
  async shutdown(): Promise<void> {
    for (const active of this.active.values()) {
      active.closing = true;
    }
    await Promise.all([...this.active.values()].map(a => a.driver.close()));
  }

  private require(id: string): StudyWithTrials {
    const study = this.store.getStudy(id);
    if (!study) {
      throw new EngineError(`no study ${id}`, 404);
    }
    return study;
  }

  private begin(id: string, resuming: boolean): void {
    const runtime = this.store.runtime(id)!;
    const active: Active = {
      driver: new OptunaDriver(runtime.options.driverPython),
      running: new Map(),
      stopping: false,
      closing: false,
      done: Promise.resolve()
    };
    this.active.set(id, active);
    active.done = this.drive(id, active, runtime, resuming)
      .catch(err => {
        if (!active.closing) {
          this.store.updateStudy(id, { state: 'failed', reason: 'error', error: (err as Error).message, finishedAt: Date.now() });
        }
        return Promise.all([...active.running.values()].map(t => this.engine.cancel(t.run).catch(() => undefined)));
      })
      .then(() => active.driver.close())
      .finally(() => {
        this.active.delete(id);
        if (!active.closing) {
          this.emitStudy(id);
        }
      });
  }

  private async drive(id: string, active: Active, runtime: StudyRuntime, resuming: boolean): Promise<void> {
    const spec = this.require(id).spec;
    const grid = spec.algorithm === 'grid' ? Object.fromEntries(spec.parameters.map(p => [p.name, gridValues(p)])) : undefined;
    await active.driver.open({
      storage: runtime.storage, study: id, direction: spec.objective.direction, algorithm: spec.algorithm,
      seed: spec.seed ?? null, space: spec.parameters, ...(grid ? { grid } : {})
    });
    if (resuming) {
      await this.settleLeftovers(id, active);
    }
    for (;;) {
      if (active.closing) {
        return;
      }
      if (active.stopping) {
        // Again: a trial may have started while stop() cancelled the others.
        await Promise.all([...active.running.values()].map(t => this.engine.cancel(t.run).catch(() => undefined)));
        await Promise.all([...active.running.values()].map(t => t.done));
        if (!active.closing) {
          this.store.updateStudy(id, { state: 'stopped', reason: 'stopped', finishedAt: Date.now() });
        }
        return;
      }
      const study = this.require(id);
      const { succeeded, failed } = study.counts;
      const running = active.running.size;
      const goal = spec.objective.goal;
      const goalReached = goal !== undefined && study.best !== null &&
        (spec.objective.direction === 'maximize' ? study.best.objective >= goal : study.best.objective <= goal);
      const tooManyFailed = failed > spec.budget.maxFailedTrials;
      const more = !goalReached && !tooManyFailed && succeeded + failed + running < spec.budget.maxTrials;
      if (more && running < runtime.options.parallelism) {
        await this.launchTrial(id, active, runtime);
        continue;
      }
      if (running === 0) {
        const ok = succeeded > 0 && !tooManyFailed;
        const reason = tooManyFailed ? 'maxFailedTrials' : goalReached ? 'goal' : 'maxTrials';
        this.store.updateStudy(id, {
          state: ok ? 'succeeded' : 'failed', reason, finishedAt: Date.now(),
          error: ok ? null : tooManyFailed ? `${failed} trials failed (maxFailedTrials is ${spec.budget.maxFailedTrials})` : 'no trial succeeded'
        });
        return;
      }
      await Promise.race([...active.running.values()].map(t => t.done));
    }
  }

  private async launchTrial(id: string, active: Active, runtime: StudyRuntime): Promise<void> {
    const { number, params } = await active.driver.ask();
    const declared = this.declaredTypes(runtime.ir);
    const parameters = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, trialValue(v, declared[k])]));
    const startedAt = Date.now();
    let run: RunWithTasks;
    try {
      run = await this.engine.startCompiled(runtime.ir, this.require(id).notebook, runtime.cwd, {
        parameters,
        options: { cache: runtime.options.cache !== false, python: runtime.options.python, parallelism: runtime.options.trialParallelism },
        user: this.require(id).user ?? undefined
      });
    } catch (err) {
      // A value the pipeline refuses: this trial failed, the study goes on.
      await active.driver.tell(number, null);
      const trial: TrialRecord = {
        number, state: 'failed', parameters, metrics: null, objective: null, run: null, startedAt,
        finishedAt: Date.now(), durationMs: 0, error: (err as Error).message
      };
      this.store.insertTrial(id, trial);
      this.emitTrial(id, number);
      return;
    }
    this.store.insertTrial(id, {
      number, state: 'running', parameters, metrics: null, objective: null, run: run.id, startedAt,
      finishedAt: null, durationMs: null, error: null
    });
    this.track(id, active, number, run.id);
    this.emitTrial(id, number);
  }

  private track(id: string, active: Active, number: number, runId: string): void {
    const done = this.engine.wait(runId).then(run => this.finishTrial(id, active, number, run));
    active.running.set(number, { run: runId, done: done.finally(() => active.running.delete(number)) });
  }

  /** Records a trial's outcome from its run and tells Optuna. */
  private async finishTrial(id: string, active: Active, number: number, run: RunWithTasks | null): Promise<void> {
    if (active.closing) {
      return; // the bridge is stopping: the next one settles this trial from its run
    }
    const spec = this.require(id).spec;
    const trial = this.store.trials(id).find(t => t.number === number)!;
    const metric = spec.objective.metric;
    const value = run?.metrics?.[metric];
    const finishedAt = run?.finishedAt ?? Date.now();
    if (run?.state === 'succeeded' && typeof value === 'number' && Number.isFinite(value)) {
      await active.driver.tell(number, value);
      this.store.updateTrial(id, number, { state: 'succeeded', metrics: run.metrics, objective: value, finishedAt });
    } else if (run === null || run.state === 'interrupted' || (run.state === 'cancelled' && active.stopping)) {
      // Not the trial's fault: tried again, not counted.
      await active.driver.tell(number, null);
      await active.driver.enqueue(trial.parameters);
      const why = run?.state === 'cancelled' ? 'the study was stopped' : 'the bridge stopped';
      this.store.updateTrial(id, number, { state: run?.state === 'cancelled' ? 'cancelled' : 'interrupted', metrics: run?.metrics ?? null, finishedAt, error: `${why} during this trial; its parameters are tried again on resume` });
    } else {
      await active.driver.tell(number, null);
      const error = run.state === 'succeeded'
        ? `the run did not report the objective ${metric}`
        : `the run ${run.state}${run.error ? `: ${[run.error.task && `task ${run.error.task}`, run.error.message].filter(Boolean).join(': ')}` : ''}`;
      this.store.updateTrial(id, number, { state: 'failed', metrics: run.metrics, finishedAt, error });
    }
    this.emitTrial(id, number);
  }

  /** After a restart: settle trials left running, and Optuna's RUNNING trials nobody recorded. */
  private async settleLeftovers(id: string, active: Active): Promise<void> {
    for (const trial of this.store.trials(id).filter(t => t.state === 'running')) {
      const run = trial.run === null ? null : this.engine.get(trial.run);
      if (run && !FINISHED_RUN_STATES.includes(run.state)) {
        this.track(id, active, trial.number, run.id); // a live engine still runs it
      } else {
        await this.finishTrial(id, active, trial.number, run);
      }
    }
    await active.driver.failRunning();
  }

  private declaredTypes(ir: object): { [name: string]: PipelineParameter['type'] } {
    const params = ((ir as { root?: { inputDefinitions?: { parameters?: { [n: string]: { parameterType?: string } } } } })
      .root?.inputDefinitions?.parameters) ?? {};
    return Object.fromEntries(Object.entries(params).map(([n, p]) => [n, PIPELINE_TYPES[p.parameterType ?? '']]));
  }

  private emitTrial(id: string, number: number): void {
    const study = this.store.getStudy(id);
    const trial = study?.trials.find(t => t.number === number);
    if (study && trial) {
      this.emit({ type: 'trial', study: id, notebook: study.notebook, trial });
      this.emitStudy(id);
    }
  }

  private emitStudy(id: string): void {
    const study = this.store.getStudy(id);
    if (study) {
      const { trials: _trials, ...record } = study;
      this.emit({ type: 'study', study: record });
    }
  }

  private emit(event: StudyEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}

