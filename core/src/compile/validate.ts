/**
 * Everything the compiler refuses, checked before anything is built, so a
 * bad graph gives one clear CompileError (naming step, field or name)
 * instead of an IR that KFP rejects later.
 */
import {
  METRICS_STEP_NAME,
  STEP_NAME_MAX_LENGTH,
  STEP_NAME_PATTERN,
  pipelineName,
  taskName
} from '../names';
import { PipelineGraph, PipelineStep, StepSettings } from '../types';
import { CompileError } from './errors';

const PARAMETER_TYPES = ['int', 'float', 'str', 'bool', 'list', 'dict'];
const PY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Kubernetes Secret names are DNS-1123 subdomains. */
const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes quantity ("500m", "2", "1.5Gi", "1e3"). */
const QUANTITY = /^[0-9]+(\.[0-9]+)?([eE][0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** All steps the compiler emits, the metrics step last. */
export function allSteps(graph: PipelineGraph): PipelineStep[] {
  return graph.metricsStep ? [...graph.steps, graph.metricsStep] : graph.steps;
}

export function validateGraph(graph: PipelineGraph): void {
  const error = graph.problems.find(p => p.severity === 'error');
  if (error) {
    const where = error.cell === null ? 'notebook' : `cell ${error.cell}`;
    throw new CompileError(`cannot compile: ${where}: ${error.message}`, {
      step: error.step,
      field: error.field,
      variable: error.name,
      cell: error.cell
    });
  }
  if (graph.steps.length === 0) {
    throw new CompileError('the notebook has no pipeline step');
  }
  validateParameters(graph);
  if (graph.metricsStep && graph.metricsStep.name !== METRICS_STEP_NAME) {
    throw new CompileError(`the metrics step must be named ${METRICS_STEP_NAME}`, {
      step: graph.metricsStep.name
    });
  }
  for (const name of graph.metrics) {
    if (!PY_IDENTIFIER.test(name)) {
      throw new CompileError(`metric ${JSON.stringify(name)} is not a Python name`, {
        variable: name
      });
    }
  }
  const steps = allSteps(graph);
  const byName = new Map<string, PipelineStep>();
  const tasks = new Map<string, string>();
  const own = pipelineName(graph.pipeline.name);
  for (const step of steps) {
    const isMetrics = step === graph.metricsStep;
    if (!isMetrics && !STEP_NAME_PATTERN.test(step.name)) {
      throw new CompileError(`bad step name ${JSON.stringify(step.name)}`, { step: step.name });
    }
    if (step.name.length > STEP_NAME_MAX_LENGTH) {
      throw new CompileError(`step name ${step.name} is longer than ${STEP_NAME_MAX_LENGTH}`, {
        step: step.name
      });
    }
    const task = taskName(step.name);
    const clash = tasks.get(task);
    if (clash !== undefined) {
      throw new CompileError(`steps ${clash} and ${step.name} both become task ${task}`, {
        step: step.name
      });
    }
    if (task === own) {
      // KFP would load the file as a single component (see reference).
      throw new CompileError(`step ${step.name} has the pipeline's name ${own}`, {
        step: step.name
      });
    }
    tasks.set(task, step.name);
    byName.set(step.name, step);
  }
  for (const step of steps) {
    validateStep(graph, step, byName);
  }
  checkAcyclic(steps, byName);
}

function validateParameters(graph: PipelineGraph): void {
  const seen = new Set<string>();
  for (const p of graph.parameters) {
    const at = { variable: p.name, cell: p.cell, field: 'parameters' };
    if (!PY_IDENTIFIER.test(p.name) || seen.has(p.name)) {
      throw new CompileError(`bad or repeated parameter name ${JSON.stringify(p.name)}`, at);
    }
    seen.add(p.name);
    if (!PARAMETER_TYPES.includes(p.type)) {
      throw new CompileError(`parameter ${p.name} has unknown type ${p.type}`, at);
    }
    const v = p.default;
    const ok =
      (p.type === 'int' && Number.isInteger(v)) ||
      (p.type === 'float' && typeof v === 'number' && Number.isFinite(v)) ||
      (p.type === 'str' && typeof v === 'string') ||
      (p.type === 'bool' && typeof v === 'boolean') ||
      (p.type === 'list' && Array.isArray(v)) ||
      (p.type === 'dict' && typeof v === 'object' && v !== null && !Array.isArray(v));
    if (!ok) {
      throw new CompileError(
        `parameter ${p.name}: default ${JSON.stringify(v)} is not a ${p.type}`,
        at
      );
    }
  }
}

function validateStep(
  graph: PipelineGraph,
  step: PipelineStep,
  byName: Map<string, PipelineStep>
): void {
  const fail = (message: string, field?: string, variable?: string): never => {
    throw new CompileError(`step ${step.name}: ${message}`, { step: step.name, field, variable });
  };
  for (const cell of step.cells) {
    if (typeof graph.sources[cell] !== 'string') {
      fail(`cell ${cell} has no source`, 'cells');
    }
  }
  const declared = new Set(graph.parameters.map(p => p.name));
  for (const p of step.parameters) {
    if (!declared.has(p)) {
      fail(`uses undeclared parameter ${p}`, 'parameters', p);
    }
  }
  for (const name of step.inputs) {
    if (step.parameters.includes(name)) {
      fail(`${name} is both a parameter and an input`, 'inputs', name);
    }
  }
  for (const name of [...step.inputs, ...step.outputs]) {
    if (!PY_IDENTIFIER.test(name)) {
      fail(`${JSON.stringify(name)} is not a Python name`, 'inputs', name);
    }
  }
  for (const name of step.inputs) {
    const source = step.sources[name];
    const producer = source === undefined ? undefined : byName.get(source);
    if (!producer || producer === step) {
      fail(`input ${name} has no producing step`, 'inputs', name);
    } else if (!producer.outputs.includes(name)) {
      fail(`input ${name}: step ${producer.name} does not output it`, 'inputs', name);
    }
  }
  for (const other of step.after) {
    if (!byName.has(other) || other === step.name) {
      fail(`depends on unknown step ${other}`, 'after');
    }
  }
  validateSettings(step.settings, fail);
}

function validateSettings(
  s: StepSettings,
  fail: (message: string, field?: string) => never
): void {
  if (s.image !== undefined && (typeof s.image !== 'string' || !s.image.trim() || /\s/.test(s.image))) {
    fail(`bad image ${JSON.stringify(s.image)}`, 'image');
  }
  if (s.cache !== undefined && typeof s.cache !== 'boolean') {
    fail('cache must be true or false', 'cache');
  }
  if (s.retries !== undefined && !(Number.isInteger(s.retries) && s.retries >= 0)) {
    fail(`retries must be a whole number >= 0, not ${JSON.stringify(s.retries)}`, 'retries');
  }
  for (const [key, value] of Object.entries(s.resources ?? {})) {
    if (typeof value !== 'string' || !QUANTITY.test(value)) {
      fail(`resources.${key}: ${JSON.stringify(value)} is not a quantity`, `resources.${key}`);
    }
  }
  if (s.gpu !== undefined) {
    if (!(Number.isInteger(s.gpu.count) && s.gpu.count > 0)) {
      fail(`gpu.count must be a whole number > 0`, 'gpu.count');
    }
    if (s.gpu.type !== undefined && !/^[A-Za-z0-9./-]+$/.test(s.gpu.type)) {
      fail(`bad gpu.type ${JSON.stringify(s.gpu.type)}`, 'gpu.type');
    }
  }
  (s.secrets ?? []).forEach((secret, i) => {
    if (!ENV_NAME.test(secret.env ?? '')) {
      fail(`secrets[${i}].env ${JSON.stringify(secret.env)} is not a variable name`, `secrets[${i}].env`);
    }
    if (!SECRET_NAME.test(secret.secret ?? '')) {
      fail(`secrets[${i}].secret ${JSON.stringify(secret.secret)} is not a Secret name`, `secrets[${i}].secret`);
    }
    if (!secret.key) {
      fail(`secrets[${i}].key is empty`, `secrets[${i}].key`);
    }
  });
}

function checkAcyclic(steps: PipelineStep[], byName: Map<string, PipelineStep>): void {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (step: PipelineStep, path: string[]): void => {
    if (state.get(step.name) === 'done') {
      return;
    }
    if (state.get(step.name) === 'open') {
      const cycle = [...path.slice(path.indexOf(step.name)), step.name].join(' -> ');
      throw new CompileError(`steps depend on each other: ${cycle}`, { step: step.name, field: 'after' });
    }
    state.set(step.name, 'open');
    for (const dep of dependencies(step)) {
      visit(byName.get(dep)!, [...path, step.name]);
    }
    state.set(step.name, 'done');
  };
  steps.forEach(step => visit(step, []));
}

/** `after` plus every data source, sorted: the task's dependentTasks. */
export function dependencies(step: PipelineStep): string[] {
  const deps = new Set(step.after);
  step.inputs.forEach(name => deps.add(step.sources[name]));
  return [...deps].sort();
}
