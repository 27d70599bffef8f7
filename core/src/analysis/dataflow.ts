/**
 * Steps' inputs, outputs, parameters and data edges, by EQUIVALENCE: each
 * step must see every name as running the notebook from the top would leave
 * it. So a name comes from the last earlier step that may have bound or
 * changed it, and a step that changes a name in place (`df['x'] = ...`,
 * `model.fit(...)`) becomes the name's producer for later steps.
 *
 * - Names bound by the imports and functions cells (the prelude) are never
 *   inputs or outputs: every step program re-runs those cells. Changing one
 *   in place (`np.random.seed(0)`) is ignored; rebinding one in a step makes
 *   the step its producer (a warning says so). A step using a prelude
 *   function also uses the globals that function's body reads.
 * - Parameters are `parameters`, not inputs, unless a step rebinds or changes
 *   one: later steps then take it from that step.
 * - A name only maybe bound by a step passes through it: if a later step
 *   takes the name from it, the step also takes it from its own producer.
 * - `del x` leaves x unbound: a later use is an error.
 */
import type { PipelineStep, Problem, StepSettings } from '../types';
import { IPYTHON_ONLY, PYTHON_BUILTINS } from './builtins';
import type { CellFacts } from './tracker';

export interface FlowStep {
  name: string;
  cells: number[];
  settings: StepSettings;
}

export interface FlowContext {
  facts: (cell: number) => CellFacts;
  prelude: Set<string>;
  /** Global names used by each function or class of the functions cells. */
  preludeFunctions: Map<string, Set<string>>;
  parameters: Set<string>;
  /** Undefined names are warnings, not errors, after a star import. */
  starImport: boolean;
}

interface StepState {
  step: PipelineStep;
  inputs: Set<string>;
  outputs: Set<string>;
  parameters: Set<string>;
  after: Set<string>;
  /** For each pass-through name: where its earlier value was. */
  prior: Map<string, Origin>;
}

type Origin = StepState | { deletedBy: string } | 'parameter' | undefined;

export function dataflow(
  steps: FlowStep[],
  metrics: FlowStep | null,
  context: FlowContext
): { steps: PipelineStep[]; metricsStep: PipelineStep | null; problems: Problem[] } {
  const producer = new Map<string, StepState | { deletedBy: string }>();
  const problems: Problem[] = [];
  const boundSomewhere = new Map<string, string>();
  for (const { name, cells } of steps) {
    for (const cell of cells) {
      const facts = context.facts(cell);
      for (const bound of [...facts.definite, ...facts.maybe]) {
        if (!boundSomewhere.has(bound)) boundSomewhere.set(bound, name);
      }
    }
  }

  const take = (state: StepState, name: string, from: StepState) => {
    if (state.inputs.has(name)) return;
    state.inputs.add(name);
    state.step.sources[name] = from.step.name;
    state.after.add(from.step.name);
    from.outputs.add(name);
    if (from.prior.has(name) && !from.inputs.has(name)) {
      passThrough(from, name, from.prior.get(name));
    }
  };
  const passThrough = (state: StepState, name: string, origin: Origin) => {
    if (origin === 'parameter') {
      state.parameters.add(name);
    } else if (origin && 'step' in origin) {
      take(state, name, origin);
    }
  };

  const run = (plan: FlowStep): StepState => {
    const state: StepState = {
      step: {
        name: plan.name, cells: plan.cells, inputs: [], parameters: [], sources: {},
        outputs: [], after: [], settings: plan.settings
      },
      inputs: new Set(), outputs: new Set(), parameters: new Set(), after: new Set(), prior: new Map()
    };
    const reported = new Set<string>();
    const sure = new Set<string>();
    const maybe = new Set<string>();
    const changed = new Set<string>();
    const deleted = new Set<string>();
    const need = (name: string, hard: boolean, cell: number, line: number, via?: string, seen = new Set<string>()) => {
      const origin = producer.get(name);
      if (origin && 'step' in origin) {
        take(state, name, origin);
      } else if (origin) {
        if (hard) undefinedName(name, cell, line, `step "${origin.deletedBy}" deletes it with del`, via);
      } else if (context.parameters.has(name)) {
        state.parameters.add(name);
      } else if (context.prelude.has(name)) {
        const uses = context.preludeFunctions.get(name);
        if (uses && !seen.has(name)) {
          seen.add(name);
          uses.forEach(use => need(use, hard, cell, line, via ?? name, seen));
        }
      } else if (!PYTHON_BUILTINS.has(name) && hard) {
        const later = boundSomewhere.get(name);
        const why = IPYTHON_ONLY.has(name)
          ? 'IPython provides it, but a step runs plain Python'
          : later !== undefined && later !== plan.name
            ? `only the later step "${later}" defines it`
            : 'no earlier step, nor the imports, functions or parameters cells, defines it';
        undefinedName(name, cell, line, why, via);
      }
    };
    const undefinedName = (name: string, cell: number, line: number, why: string, via?: string) => {
      if (reported.has(name)) return;
      reported.add(name);
      const used = via ? ` (used by function "${via}")` : '';
      problems.push({
        severity: context.starImport ? 'warning' : 'error',
        cell, step: plan.name, name, line,
        message: `cell ${cell}, line ${line}: step "${plan.name}" uses "${name}"${used}, but ${why}` +
          (context.starImport ? ' (unless a star import provides it)' : '')
      });
    };
    for (const cell of plan.cells) {
      const facts = context.facts(cell);
      for (const [name, line] of facts.uses) {
        if (!sure.has(name)) need(name, !maybe.has(name), cell, line);
      }
      for (const [name, line] of facts.softUses) {
        if (!sure.has(name)) need(name, false, cell, line);
      }
      for (const name of facts.passThrough) {
        if (!sure.has(name) && !state.prior.has(name)) {
          const origin = producer.get(name);
          state.prior.set(name, origin ?? (context.parameters.has(name) ? 'parameter' : undefined));
        }
      }
      for (const name of [...facts.definite, ...facts.maybe, ...facts.changes]) deleted.delete(name);
      facts.definite.forEach(name => sure.add(name));
      facts.maybe.forEach(name => maybe.add(name));
      facts.changes.forEach(name => changed.add(name));
      for (const name of facts.deleted) {
        sure.delete(name);
        maybe.delete(name);
        changed.delete(name);
        deleted.add(name);
      }
    }
    for (const name of [...sure, ...maybe, ...changed]) {
      const rebound = sure.has(name) || maybe.has(name);
      if (context.prelude.has(name)) {
        if (!rebound) continue;
        problems.push({
          severity: 'warning', cell: plan.cells[0], step: plan.name, name,
          message: `step "${plan.name}" rebinds "${name}", which the imports or functions cells define; later steps receive the step's value`
        });
      }
      producer.set(name, state);
    }
    deleted.forEach(name => producer.set(name, { deletedBy: plan.name }));
    return state;
  };

  const states = steps.map(run);
  const metricsState = metrics ? run(metrics) : null;
  const finish = (state: StepState): PipelineStep => ({
    ...state.step,
    sources: Object.fromEntries(Object.entries(state.step.sources).sort(([a], [b]) => (a < b ? -1 : 1))),
    inputs: [...state.inputs].sort(),
    parameters: [...state.parameters].sort(),
    outputs: [...state.outputs].sort(),
    after: [...state.after].sort()
  });
  return {
    steps: states.map(finish),
    metricsStep: metricsState ? finish(metricsState) : null,
    problems
  };
}
