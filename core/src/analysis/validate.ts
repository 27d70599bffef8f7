/**
 * Rules on step names and explicit dependencies: what KFP can name, what
 * would collide once sanitized by `taskName()` (the compiler's own mapping),
 * `after` entries that name no step, and dependency cycles.
 */
import {
  METRICS_STEP_NAME,
  pipelineName,
  STEP_NAME_MAX_LENGTH,
  STEP_NAME_PATTERN,
  taskName
} from '../names';
import type { Problem } from '../types';
import type { StepPlan } from './structure';

export function checkStepNames(steps: StepPlan[], pipeline: string): Problem[] {
  const problems: Problem[] = [];
  const byTask = new Map<string, string>();
  const pipelineTask = pipelineName(pipeline);
  for (const { name, cells } of steps) {
    const cell = cells[0];
    const error = (message: string) =>
      problems.push({ severity: 'error', cell, step: name, field: 'step', message: `cell ${cell}: ${message}` });
    if (name === '') {
      error('step name is empty');
      continue;
    }
    if (!STEP_NAME_PATTERN.test(name)) {
      error(`step name "${name}" must start with a letter and hold only letters, digits, "-" and "_"`);
    }
    if (name.length > STEP_NAME_MAX_LENGTH) {
      error(`step name "${name}" is longer than ${STEP_NAME_MAX_LENGTH} characters`);
    }
    const task = taskName(name);
    if (task === METRICS_STEP_NAME) {
      error(`step name "${name}" is reserved for the metrics step`);
    } else if (task === pipelineTask) {
      error(`step name "${name}" is the pipeline's name ("${pipelineTask}"); rename the step or the pipeline`);
    }
    const other = byTask.get(task);
    if (other !== undefined && task !== '') {
      error(`step names "${other}" and "${name}" both become "${task}" in the pipeline; rename one`);
    } else {
      byTask.set(task, name);
    }
  }
  return problems;
}

/** Known explicit dependencies of each step; unknown ones are reported. */
export function resolveAfter(steps: StepPlan[]): { after: Map<string, Set<string>>; problems: Problem[] } {
  const names = new Set(steps.map(step => step.name));
  const after = new Map<string, Set<string>>();
  const problems: Problem[] = [];
  for (const step of steps) {
    const set = new Set<string>();
    for (const { step: target, cell } of step.after) {
      if (names.has(target)) {
        set.add(target);
      } else {
        problems.push({
          severity: 'error',
          cell,
          step: step.name,
          field: 'after',
          message: `cell ${cell}: step "${step.name}" runs after "${target}", but no step has that name`
        });
      }
    }
    after.set(step.name, set);
  }
  return { after, problems };
}

/**
 * Dependency cycles (Tarjan's strongly connected components). Each cycle is
 * reported once, its steps in notebook order.
 */
export function findCycles(
  order: string[],
  edges: Map<string, Set<string>>,
  firstCell: Map<string, number>
): Problem[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const problems: Problem[] = [];
  let counter = 0;
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edges.get(node)?.has(node)) {
        component.sort((a, b) => order.indexOf(a) - order.indexOf(b));
        const cell = firstCell.get(component[0]) ?? null;
        problems.push({
          severity: 'error',
          cell,
          step: component[0],
          field: 'after',
          message: `dependency cycle between steps ${component.map(s => `"${s}"`).join(', ')}: each waits for another`
        });
      }
    }
  };
  order.forEach(node => index.has(node) || connect(node));
  return problems.sort((a, b) => (a.cell ?? 0) - (b.cell ?? 0));
}
