/**
 * `kubeflow-bridge analyze NOTEBOOK [--json]`: what each step needs and
 * gives, and every problem, for CI and for people at a terminal.
 *
 * Exit codes: 0 no error problems (warnings are fine), 1 error problems,
 * 2 usage error or unreadable notebook.
 */
import { parseArgs } from 'node:util';
import { analyzeNotebook } from '../../../core/src/analysis';
import type { PipelineGraph, PipelineStep, Problem } from '../../../core/src/types';
import { CommandIO, PROCESS_IO } from './io';
import { problemPlace } from './problem-place';
import { EXIT_UNREADABLE, NotebookFileError, defaultPipelineName, readNotebookFile } from './notebook-file';
import { UsageError } from './usage';

/** The documented `--json` shape (README, "Command line"); keep it exact. */
export interface AnalyzeReport {
  pipeline: string;
  parameters: { name: string; type: string; default: unknown }[];
  metrics: string[];
  steps: { name: string; cells: number[]; inputs: string[]; outputs: string[]; after: string[] }[];
  problems: { severity: string; cell: number | null; message: string }[];
}

export async function analyze(
  argv: string[],
  _env: NodeJS.ProcessEnv,
  io: CommandIO = PROCESS_IO
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true
  });
  if (positionals.length !== 1) {
    throw new UsageError('expected one NOTEBOOK argument');
  }
  const [path] = positionals;
  let graph: PipelineGraph;
  try {
    graph = analyzeNotebook(readNotebookFile(path), { defaultName: defaultPipelineName(path) });
  } catch (err) {
    if (err instanceof NotebookFileError) {
      io.stderr(`kubeflow-bridge analyze: ${err.message}\n`);
      return EXIT_UNREADABLE;
    }
    throw err;
  }
  const report = analysisReport(graph);
  io.stdout(values.json ? JSON.stringify(report, null, 2) + '\n' : summary(report));
  return report.problems.some(p => p.severity === 'error') ? 1 : 0;
}

/**
 * The graph as the documented JSON. The metrics step is the last step: it
 * is a real task in the IR, with inputs of its own.
 */
export function analysisReport(graph: PipelineGraph): AnalyzeReport {
  const steps = graph.metricsStep ? [...graph.steps, graph.metricsStep] : graph.steps;
  return {
    pipeline: graph.pipeline.name,
    parameters: graph.parameters.map(p => ({ name: p.name, type: p.type, default: p.default })),
    metrics: [...graph.metrics],
    steps: steps.map((s: PipelineStep) => ({
      name: s.name,
      cells: [...s.cells],
      inputs: [...s.inputs],
      outputs: [...s.outputs],
      after: [...s.after]
    })),
    problems: graph.problems.map((p: Problem) => ({
      severity: p.severity,
      cell: p.cell,
      message: p.message
    }))
  };
}

const list = (names: string[]) => (names.length ? names.join(', ') : '-');

/** For a terminal: one line a step, then the problems as `cell N: error: ...`. */
function summary(report: AnalyzeReport): string {
  const lines = [`pipeline ${report.pipeline}`];
  if (report.parameters.length) {
    const params = report.parameters.map(p => `${p.name}: ${p.type} = ${JSON.stringify(p.default)}`);
    lines.push(`parameters: ${params.join(', ')}`);
  }
  if (report.metrics.length) {
    lines.push(`metrics: ${report.metrics.join(', ')}`);
  }
  lines.push(report.steps.length ? 'steps:' : 'steps: none');
  for (const step of report.steps) {
    const cells = `cell${step.cells.length === 1 ? '' : 's'} ${step.cells.join(', ')}`;
    const after = step.after.length ? ` · after ${step.after.join(', ')}` : '';
    lines.push(`  ${step.name} (${cells})${after}`);
    lines.push(`      needs ${list(step.inputs)} · gives ${list(step.outputs)}`);
  }
  const errors = report.problems.filter(p => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  lines.push(report.problems.length ? `problems (${errors} errors, ${warnings} warnings):` : 'no problems');
  for (const p of report.problems) {
    const { place, text } = problemPlace(p);
    lines.push(`  ${place}: ${p.severity}: ${text}`);
  }
  return lines.join('\n') + '\n';
}
