/**
 * The study being edited: a spec (from the notebook's `tuning` settings,
 * else a first space from the parameters cell) and the text of number and
 * list fields as typed, checked on every edit by core (readStudySpec for
 * the shape, validateStudy against the pipeline) with problems placed at
 * their field. Pure: the Tune model decides when to save.
 */
import {
  Algorithm, DEFAULT_BUDGET, defaultSpace, readStudySpec, SearchParameter, SearchType, StudyProblem, StudySpec, validateStudy
} from '../../../core/src/tuning';
import type { PipelineGraph } from '../../../core/src/types';

type Graph = Pick<PipelineGraph, 'parameters' | 'metrics'>;

/** A spec for this pipeline: the stored one, else defaults. */
export function initialSpec(stored: StudySpec | undefined, graph: Graph): StudySpec {
  if (stored) {
    return JSON.parse(JSON.stringify(stored));
  }
  return {
    parameters: defaultSpace(graph),
    objective: { metric: graph.metrics[0] ?? '', direction: 'maximize' },
    algorithm: 'tpe',
    budget: { ...DEFAULT_BUDGET }
  };
}

/** A field's text as a number: '' is unset, anything else not a number is NaN (readStudySpec names it). */
export function numberOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

/** A list field's text: comma separated; numbers for discrete. */
export function listOf(text: string, type: SearchType): Array<string | number> {
  const items = text.split(',').map(s => s.trim()).filter(s => s !== '');
  return type === 'discrete' ? items.map(Number) : items;
}

export class SpaceDraft {
  constructor(
    public spec: StudySpec,
    private graph: Graph
  ) {}

  /** Text typed into a field (`parameters.lr.min`, `budget.maxTrials`...), shown instead of the value. */
  texts = new Map<string, string>();

  setGraph(graph: Graph): void {
    this.graph = graph;
  }

  /** Every problem: the shape first; the meaning only when the shape is right. */
  get problems(): StudyProblem[] {
    const read = readStudySpec(this.spec);
    return read.spec ? validateStudy(read.spec, this.graph) : read.problems;
  }

  /** The spec to save, or null while any error remains. */
  get valid(): StudySpec | null {
    const read = readStudySpec(this.spec);
    return read.spec && !validateStudy(read.spec, this.graph).some(p => p.severity === 'error') ? read.spec : null;
  }

  text(field: string, value: unknown): string {
    return this.texts.get(field) ?? (value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value));
  }

  parameter(name: string): SearchParameter | undefined {
    return this.spec.parameters.find(p => p.name === name);
  }

  /** Tune a pipeline parameter (its default space) or stop tuning it. */
  include(name: string, on: boolean): void {
    if (!on) {
      this.spec.parameters = this.spec.parameters.filter(p => p.name !== name);
      return;
    }
    const first = defaultSpace({ parameters: this.graph.parameters.filter(p => p.name === name) });
    const order = this.graph.parameters.map(p => p.name);
    this.spec.parameters = [...this.spec.parameters.filter(p => p.name !== name), ...first].sort(
      (a, b) => order.indexOf(a.name) - order.indexOf(b.name)
    );
  }

  /** Change a parameter's type, keeping its default: a range for numbers, a list for the others. */
  setType(name: string, type: SearchType): void {
    const p = this.parameter(name);
    if (!p) {
      return;
    }
    const at = `parameters.${name}`;
    ['min', 'max', 'step', 'list'].forEach(k => this.texts.delete(`${at}.${k}`));
    const base = defaultSpace({ parameters: this.graph.parameters.filter(d => d.name === name) })[0];
    if (type === 'double' || type === 'int') {
      const range: Partial<SearchParameter> = base && (base.type === 'double' || base.type === 'int') ? base : { min: 0, max: 1 };
      const lo = type === 'int' ? Math.ceil(range.min!) : range.min;
      const hi = type === 'int' ? Math.floor(range.max!) : range.max;
      Object.assign(p, { min: lo, max: hi }, range.log ? { log: true } : {});
      delete p.list;
    } else {
      const value = p.default ?? base?.default;
      p.list = value === undefined ? [] : type === 'discrete' && typeof value === 'number' ? [value] : [String(value)];
      ['min', 'max', 'step', 'log'].forEach(k => delete (p as unknown as { [k: string]: unknown })[k]);
    }
    p.type = type;
  }

  /** A number field of a parameter (min, max, step) as typed. */
  setBound(name: string, key: 'min' | 'max' | 'step', text: string): void {
    const p = this.parameter(name);
    if (p) {
      this.texts.set(`parameters.${name}.${key}`, text);
      const n = numberOf(text);
      if (n === undefined) {
        delete p[key];
      } else {
        p[key] = n;
      }
    }
  }

  setLog(name: string, on: boolean): void {
    const p = this.parameter(name);
    if (p) {
      if (on) p.log = true;
      else delete p.log;
    }
  }

  setList(name: string, text: string): void {
    const p = this.parameter(name);
    if (p) {
      this.texts.set(`parameters.${name}.list`, text);
      p.list = listOf(text, p.type);
    }
  }

  setObjective(change: { metric?: string; direction?: 'maximize' | 'minimize'; goal?: string }): void {
    const o = this.spec.objective;
    if (change.metric !== undefined) o.metric = change.metric;
    if (change.direction !== undefined) o.direction = change.direction;
    if (change.goal !== undefined) {
      this.texts.set('objective.goal', change.goal);
      const n = numberOf(change.goal);
      if (n === undefined) delete o.goal;
      else o.goal = n;
    }
  }

  setAlgorithm(algorithm: Algorithm): void {
    this.spec.algorithm = algorithm;
  }

  setBudget(key: 'maxTrials' | 'parallelTrials' | 'maxFailedTrials', text: string): void {
    this.texts.set(`budget.${key}`, text);
    this.spec.budget[key] = numberOf(text) ?? NaN;
  }

  setSeed(text: string): void {
    this.texts.set('seed', text);
    const n = numberOf(text);
    if (n === undefined) delete this.spec.seed;
    else this.spec.seed = n;
  }
}
