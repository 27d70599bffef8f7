/**
 * Checking a study spec, with each problem at its field so the Tune view
 * can show it there and the API can answer 400 naming it.
 *
 * readStudySpec: untrusted JSON (notebook metadata, a request body) -> a
 * typed spec, or problems. validateStudy: a typed spec against the
 * pipeline (its parameters and metrics) and against what Katib would
 * refuse, so a study that runs locally also submits to Katib.
 */
import type { PipelineGraph, PipelineParameter } from '../types';
import { gridSize } from './grid';
import {
  Algorithm, ALGORITHMS, SEARCH_TYPES, SearchParameter, StudyBudget, StudyProblem, StudySpec
} from './spec';

type Obj = { [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const PARAMETER_KEYS = ['name', 'type', 'min', 'max', 'step', 'list', 'log', 'default'];
const SPEC_KEYS = ['parameters', 'objective', 'algorithm', 'budget', 'seed'];

/** Untrusted JSON -> a spec (shape only: validateStudy checks the meaning). */
export function readStudySpec(value: unknown, prefix = ''): { spec: StudySpec | null; problems: StudyProblem[] } {
  const problems: StudyProblem[] = [];
  const error = (field: string, message: string) =>
    problems.push({ severity: 'error', field: (prefix + field).replace(/\.$/, '') || 'study', message });
  if (!isObj(value)) {
    error('', 'the study must be an object with parameters, objective, algorithm and budget');
    return { spec: null, problems };
  }
  for (const key of Object.keys(value)) {
    if (!SPEC_KEYS.includes(key)) {
      error(key, `unknown field ${key} (expected ${SPEC_KEYS.join(', ')})`);
    }
  }
  const parameters: SearchParameter[] = [];
  if (!Array.isArray(value.parameters)) {
    error('parameters', 'parameters must be a list of {name, type, ...}');
  } else {
    value.parameters.forEach((p, i) => {
      const at = isObj(p) && typeof p.name === 'string' && p.name ? `parameters.${p.name}` : `parameters.${i}`;
      if (!isObj(p) || typeof p.name !== 'string' || p.name === '') {
        error(at, 'each parameter needs a name (a pipeline parameter)');
        return;
      }
      for (const key of Object.keys(p)) {
        if (!PARAMETER_KEYS.includes(key)) {
          error(`${at}.${key}`, `unknown field ${key} (expected ${PARAMETER_KEYS.join(', ')})`);
        }
      }
      if (!(SEARCH_TYPES as readonly unknown[]).includes(p.type)) {
        error(`${at}.type`, `type must be one of ${SEARCH_TYPES.join(', ')}, not ${JSON.stringify(p.type)}`);
        return;
      }
      for (const key of ['min', 'max', 'step'] as const) {
        if (p[key] !== undefined && !isNum(p[key])) {
          error(`${at}.${key}`, `${key} must be a number, not ${JSON.stringify(p[key])}`);
        }
      }
      if (p.log !== undefined && typeof p.log !== 'boolean') {
        error(`${at}.log`, 'log must be true or false');
      }
      if (p.list !== undefined && !(Array.isArray(p.list) && p.list.every(v => ['string', 'number', 'boolean'].includes(typeof v)))) {
        error(`${at}.list`, 'list must be a list of strings, numbers or booleans');
      }
      parameters.push(p as unknown as SearchParameter);
    });
  }
  const o = value.objective;
  if (!isObj(o) || typeof o.metric !== 'string' || (o.direction !== 'maximize' && o.direction !== 'minimize')) {
    error('objective', 'objective must be {metric, direction: maximize|minimize, goal?}');
  } else if (o.goal !== undefined && !isNum(o.goal)) {
    error('objective.goal', `goal must be a number, not ${JSON.stringify(o.goal)}`);
  }
  if (!(ALGORITHMS as readonly unknown[]).includes(value.algorithm)) {
    error('algorithm', `algorithm must be one of ${ALGORITHMS.join(', ')}, not ${JSON.stringify(value.algorithm)}`);
  }
  const b = value.budget;
  if (!isObj(b)) {
    error('budget', 'budget must be {maxTrials, parallelTrials, maxFailedTrials}');
  } else {
    for (const key of ['maxTrials', 'parallelTrials', 'maxFailedTrials']) {
      if (!Number.isInteger(b[key])) {
        error(`budget.${key}`, `${key} must be a whole number, not ${JSON.stringify(b[key])}`);
      }
    }
  }
  if (value.seed !== undefined && !Number.isInteger(value.seed)) {
    error('seed', `seed must be a whole number, not ${JSON.stringify(value.seed)}`);
  }
  if (problems.length) {
    return { spec: null, problems };
  }
  const objective = value.objective as StudySpec['objective'];
  const spec: StudySpec = {
    parameters,
    objective: { metric: objective.metric, direction: objective.direction, ...(objective.goal === undefined ? {} : { goal: objective.goal }) },
    algorithm: value.algorithm as Algorithm,
    budget: { ...(value.budget as unknown as StudyBudget) },
    ...(value.seed === undefined ? {} : { seed: value.seed as number })
  };
  return { spec, problems };
}

/** Problems of the space, objective and budget alone (no pipeline needed: Katib's own checks). */
export function checkSpace(spec: StudySpec): StudyProblem[] {
  const problems: StudyProblem[] = [];
  const error = (field: string, message: string) => problems.push({ severity: 'error', field, message });
  if (spec.parameters.length === 0) {
    error('parameters', 'tune at least one parameter');
  }
  const seen = new Set<string>();
  for (const p of spec.parameters) {
    const at = `parameters.${p.name}`;
    if (seen.has(p.name)) {
      error(at, `parameter ${p.name} is in the search space twice`);
    }
    seen.add(p.name);
    if (p.type === 'double' || p.type === 'int') {
      if (p.min === undefined || p.max === undefined) {
        error(`${at}.${p.min === undefined ? 'min' : 'max'}`, `${p.name}: a ${p.type} parameter needs min and max`);
        continue;
      }
      if (p.type === 'int' && !Number.isInteger(p.min)) {
        error(`${at}.min`, `${p.name}: min of an int parameter must be a whole number, not ${p.min}`);
      }
      if (p.type === 'int' && !Number.isInteger(p.max)) {
        error(`${at}.max`, `${p.name}: max of an int parameter must be a whole number, not ${p.max}`);
      }
      if (p.min >= p.max) {
        error(`${at}.max`, `${p.name}: min (${p.min}) must be less than max (${p.max})`);
      }
      if (p.log && p.min <= 0) {
        error(`${at}.min`, `${p.name}: a log scale needs min > 0, not ${p.min}`);
      }
      if (p.step !== undefined) {
        if (!(p.step > 0) || (p.type === 'int' && !Number.isInteger(p.step))) {
          error(`${at}.step`, `${p.name}: step must be ${p.type === 'int' ? 'a whole number ' : ''}> 0, not ${p.step}`);
        } else if (p.min < p.max && p.step > p.max - p.min) {
          error(`${at}.step`, `${p.name}: step (${p.step}) is larger than the range (${p.max - p.min})`);
        }
      }
    } else {
      if (!p.list || p.list.length === 0) {
        error(`${at}.list`, `${p.name}: a ${p.type} parameter needs a list of values`);
        continue;
      }
      if (new Set(p.list.map(String)).size !== p.list.length) {
        error(`${at}.list`, `${p.name}: the list repeats a value`);
      }
      if (p.type === 'discrete' && !p.list.every(isNum)) {
        error(`${at}.list`, `${p.name}: a discrete parameter takes numbers; use categorical for text`);
      }
      // Katib substitutes values into the trial's command line text.
      if (p.list.some(v => /["\\$]/.test(String(v)))) {
        error(`${at}.list`, `${p.name}: values may not contain ", \\ or $ (they are substituted into the trial's command line)`);
      }
    }
  }
  const goal = spec.objective.goal;
  if (goal !== undefined && !Number.isFinite(goal)) {
    error('objective.goal', 'goal must be a finite number');
  }
  problems.push(...checkBudget(spec.budget), ...checkAlgorithm(spec));
  return problems;
}

function checkBudget(budget: StudyBudget): StudyProblem[] {
  const problems: StudyProblem[] = [];
  if (!(Number.isInteger(budget.maxTrials) && budget.maxTrials >= 1)) {
    problems.push({ severity: 'error', field: 'budget.maxTrials', message: `maxTrials must be 1 or more, not ${budget.maxTrials}` });
  }
  if (!(Number.isInteger(budget.parallelTrials) && budget.parallelTrials >= 1)) {
    problems.push({ severity: 'error', field: 'budget.parallelTrials', message: `parallelTrials must be 1 or more, not ${budget.parallelTrials}` });
  } else if (budget.parallelTrials > budget.maxTrials) {
    problems.push({
      severity: 'warning',
      field: 'budget.parallelTrials',
      message: `parallelTrials (${budget.parallelTrials}) is more than maxTrials (${budget.maxTrials}): at most ${budget.maxTrials} run at once`
    });
  }
  if (!(Number.isInteger(budget.maxFailedTrials) && budget.maxFailedTrials >= 0)) {
    problems.push({ severity: 'error', field: 'budget.maxFailedTrials', message: `maxFailedTrials must be 0 or more, not ${budget.maxFailedTrials}` });
  }
  return problems;
}

function checkAlgorithm(spec: StudySpec): StudyProblem[] {
  const problems: StudyProblem[] = [];
  const error = (field: string, message: string) => problems.push({ severity: 'error', field, message });
  if (spec.algorithm === 'grid') {
    for (const p of spec.parameters) {
      if (p.type === 'double' && p.step === undefined) {
        error(`parameters.${p.name}.step`, `${p.name}: grid needs a step for a double parameter`);
      }
    }
    const size = gridSize(spec.parameters);
    if (size !== null && problems.length === 0) {
      if (spec.budget.maxTrials > size) {
        error('budget.maxTrials', `maxTrials (${spec.budget.maxTrials}) is more than the ${size} grid points: Katib rejects it; set ${size}`);
      } else if (size > spec.budget.maxTrials) {
        error('budget.maxTrials', `the grid has ${size} points, more than maxTrials (${spec.budget.maxTrials}): part of it would never be tried; set maxTrials to ${size} or coarsen the grid`);
      }
    }
  }
  if (spec.algorithm === 'cmaes') {
    const continuous = spec.parameters.filter(p => p.type === 'double' || p.type === 'int');
    if (continuous.length < 2) {
      error('algorithm', `cmaes needs two or more continuous (double or int) parameters; this space has ${continuous.length}`);
    }
    for (const p of spec.parameters.filter(p => p.type === 'categorical' || p.type === 'discrete')) {
      error(`parameters.${p.name}.type`, `${p.name}: cmaes cannot search a ${p.type} parameter`);
    }
  }
  return problems;
}

/** Which spec types a pipeline parameter of this type can take. */
const FITS: { [type in PipelineParameter['type']]: readonly string[] } = {
  float: ['double', 'int', 'discrete', 'categorical'],
  int: ['int', 'discrete', 'categorical'],
  bool: ['categorical'],
  str: ['categorical'],
  list: [],
  dict: []
};

/** Every problem of `spec` for this pipeline (errors and warnings), in field order. */
export function validateStudy(spec: StudySpec, graph: Pick<PipelineGraph, 'parameters' | 'metrics'>): StudyProblem[] {
  const problems: StudyProblem[] = [];
  const declared = new Map(graph.parameters.map(p => [p.name, p]));
  for (const p of spec.parameters) {
    const def = declared.get(p.name);
    if (!def) {
      const known = graph.parameters.length ? `the parameters cell has ${graph.parameters.map(d => d.name).join(', ')}` : 'the notebook has no parameters cell';
      problems.push({ severity: 'error', field: `parameters.${p.name}`, message: `${p.name} is not a pipeline parameter: ${known}` });
    } else if (!FITS[def.type].includes(p.type)) {
      problems.push({
        severity: 'error',
        field: `parameters.${p.name}.type`,
        message: `${p.name} is a ${def.type} parameter: it cannot be searched as ${p.type}` +
          (FITS[def.type].length ? ` (use ${FITS[def.type].join(' or ')})` : ' (lists and dicts are not tunable)')
      });
    }
  }
  const metric = spec.objective.metric;
  if (!graph.metrics.includes(metric)) {
    const known = graph.metrics.length ? `the metrics cell reports ${graph.metrics.join(', ')}` : 'the notebook has no metrics cell';
    problems.push({ severity: 'error', field: 'objective.metric', message: `${metric || '(empty)'} is not a metric: ${known}` });
  }
  problems.push(...checkSpace(spec));
  return problems;
}

export const errorsOf = (problems: StudyProblem[]) => problems.filter(p => p.severity === 'error');
