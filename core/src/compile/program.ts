/**
 * The step program: the runtime (runtime.py.ts) followed by the step's own
 * data and a call to `main`. It travels in the executor's command as
 * `python3 -u -c PROGRAM`; the arguments carry KFP placeholders, so the
 * same program runs under KFP's launcher and under the local engine.
 */
import { ParameterType, PipelineGraph, PipelineStep } from '../types';
import { cleanCellSource } from './magics';
import { RUNTIME_PY } from './runtime.py';

/** The interpreter; the local engine swaps in the notebook's own. */
export const PYTHON = 'python3';

/**
 * Linux caps one command-line argument at 128 KiB (MAX_ARG_STRLEN); keep a
 * margin for the launcher's own wrapping.
 */
export const MAX_PROGRAM_BYTES = 120 * 1024;

export interface StepProgram {
  command: string[];
  args: string[];
  program: string;
}

/** The output artifact of the metrics step (a `system.Metrics`). */
export const METRICS_OUTPUT = 'metrics';

/** A Python string literal: JSON's escapes are all valid Python escapes. */
function pyString(text: string): string {
  return JSON.stringify(text);
}

function pyCells(graph: PipelineGraph, cells: number[], notes: string[]): string {
  if (cells.length === 0) {
    return '[]';
  }
  const rows = cells.map(index => {
    const clean = cleanCellSource(graph.sources[index]);
    for (const line of clean.dropped) {
      notes.push(`cell ${index}: skipped ${line} (not Python)`);
    }
    return `    (${index}, ${pyString(clean.source)}),`;
  });
  return `[\n${rows.join('\n')}\n]`;
}

function pyList(names: string[]): string {
  return `[${names.map(pyString).join(', ')}]`;
}

export function stepProgram(
  graph: PipelineGraph,
  step: PipelineStep,
  metrics: string[]
): StepProgram {
  const types = new Map<string, ParameterType>(
    graph.parameters.map(p => [p.name, p.type])
  );
  const params = step.parameters
    .map(p => `${pyString(p)}: ${pyString(types.get(p) ?? 'str')}`)
    .join(', ');
  const notes: string[] = [];
  const setup = [...graph.roleCells.imports, ...graph.roleCells.functions].sort(
    (a, b) => a - b
  );
  const setupCells = pyCells(graph, setup, notes);
  const stepCells = pyCells(graph, step.cells, notes);
  const program = [
    RUNTIME_PY,
    `STEP = {`,
    `    "name": ${pyString(step.name)},`,
    `    "parameters": {${params}},`,
    `    "inputs": ${pyList(step.inputs)},`,
    `    "outputs": ${pyList(step.outputs)},`,
    `    "metrics": ${pyList(metrics)},`,
    `    "notes": ${pyList(notes)},`,
    `}`,
    `SETUP_CELLS = ${setupCells}`,
    `STEP_CELLS = ${stepCells}`,
    `main(STEP, SETUP_CELLS, STEP_CELLS)`,
    ''
  ].join('\n');

  const args: string[] = [];
  for (const p of step.parameters) {
    args.push('--param', p, `{{$.inputs.parameters['${p}']}}`);
  }
  for (const x of step.inputs) {
    args.push('--in', x, `{{$.inputs.artifacts['${x}'].path}}`);
  }
  for (const y of step.outputs) {
    args.push('--out', y, `{{$.outputs.artifacts['${y}'].path}}`);
  }
  if (metrics.length > 0) {
    // `{{$}}` is KFP's executor input: it says where the launcher reads
    // the Metrics artifact's metadata from (what the KFP UI shows).
    args.push('--metrics', `{{$.outputs.artifacts['${METRICS_OUTPUT}'].path}}`);
    args.push('--executor-input', '{{$}}');
  }
  return { command: [PYTHON, '-u', '-c', program], args, program };
}
