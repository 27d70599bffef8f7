/**
 * Notebook -> step graph. `analyzeNotebook` is the one-shot entry;
 * `createAnalyzer` keeps per-cell results between runs for the live UI.
 */
import { readAnnotations } from '../annotations';
import { cellSource } from '../notebook';
import { METRICS_STEP_NAME } from '../names';
import type { PipelineGraph, PipelineParameter, NotebookDocument, Problem } from '../types';
import { PYTHON_BUILTINS } from './builtins';
import { CellAnalysis, CellCache } from './cells';
import { dataflow, FlowStep } from './dataflow';
import { readParameters } from './parameters';
import { cellProblems, sortProblems } from './problems';
import { groupCells } from './structure';
import { checkStepNames, findCycles, resolveAfter } from './validate';

export { convertKaleAnnotations } from '../kale';
export { readNotebook, NotebookError } from '../notebook';

export interface AnalyzeOptions {
  /**
   * Pipeline name when the notebook's settings give none, e.g. the
   * notebook's file name without `.ipynb`. Default: "pipeline".
   */
  defaultName?: string;
}

export const DEFAULT_PIPELINE_NAME = 'pipeline';

export interface Analyzer {
  analyze(nb: NotebookDocument, options?: AnalyzeOptions): PipelineGraph;
}

/** An analyzer that re-parses only the cells whose source changed. */
export function createAnalyzer(): Analyzer {
  const cache = new CellCache();
  return {
    analyze(nb, options) {
      try {
        return analyze(nb, options ?? {}, source => cache.get(source));
      } finally {
        cache.sweep();
      }
    }
  };
}

export function analyzeNotebook(nb: NotebookDocument, options: AnalyzeOptions = {}): PipelineGraph {
  const cache = new CellCache();
  return analyze(nb, options, source => cache.get(source));
}

function analyze(
  nb: NotebookDocument,
  options: AnalyzeOptions,
  analyzeCell: (source: string) => CellAnalysis
): PipelineGraph {
  const sources = nb.cells.map(cellSource);
  const annotations = readAnnotations(nb);
  const problems: Problem[] = [...annotations.problems];
  const name = annotations.settings.name?.trim() || options.defaultName?.trim() || DEFAULT_PIPELINE_NAME;
  const structure = groupCells(nb, sources, annotations.cells);
  problems.push(...structure.problems);
  const { roleCells } = structure;

  const cells = new Map<number, CellAnalysis>();
  const cellOf = (index: number) => {
    let entry = cells.get(index);
    if (!entry) {
      entry = analyzeCell(sources[index]);
      cells.set(index, entry);
      problems.push(...cellProblems(index, entry, stepOfCell.get(index)));
    }
    return entry;
  };
  const stepOfCell = new Map<number, string>();
  structure.steps.forEach(step => step.cells.forEach(cell => stepOfCell.has(cell) || stepOfCell.set(cell, step.name)));

  const prelude = new Set<string>();
  const preludeFunctions = new Map<string, Set<string>>();
  for (const cell of [...roleCells.imports, ...roleCells.functions].sort((a, b) => a - b)) {
    const { facts } = cellOf(cell);
    [...facts.definite, ...facts.maybe].forEach(bound => prelude.add(bound));
    if (roleCells.functions.includes(cell)) {
      facts.functionUses.forEach((uses, fn) => preludeFunctions.set(fn, uses));
    }
  }

  let parameters: PipelineParameter[] = [];
  for (const cell of roleCells.parameters) {
    const entry = cellOf(cell);
    const read = readParameters(entry.code, entry.tree, cell, entry.line);
    problems.push(...read.problems);
    const names = new Set(read.parameters.map(parameter => parameter.name));
    parameters = [...parameters.filter(parameter => !names.has(parameter.name)), ...read.parameters];
  }

  structure.steps.forEach(step => step.cells.forEach(cellOf));
  roleCells.metrics.forEach(cellOf);
  const starImport = [...cells.values()].some(entry => entry.facts.starImports.length > 0);

  const metricsPlan: FlowStep | null = roleCells.metrics.length
    ? { name: METRICS_STEP_NAME, cells: roleCells.metrics, settings: {} }
    : null;
  const flow = dataflow(structure.steps, metricsPlan, {
    facts: cell => cellOf(cell).facts,
    prelude,
    preludeFunctions,
    parameters: new Set(parameters.map(parameter => parameter.name)),
    starImport
  });
  problems.push(...flow.problems);

  problems.push(...checkStepNames(structure.steps, name));
  const explicit = resolveAfter(structure.steps);
  problems.push(...explicit.problems);
  const edges = new Map<string, Set<string>>();
  for (const step of flow.steps) {
    const after = new Set([...step.after, ...(explicit.after.get(step.name) ?? [])]);
    step.after = [...after].sort();
    edges.set(step.name, after);
  }
  problems.push(...findCycles(
    flow.steps.map(step => step.name),
    edges,
    new Map(flow.steps.map(step => [step.name, step.cells[0]]))
  ));

  const metrics: string[] = [];
  for (const cell of roleCells.metrics) {
    for (const mentioned of cellOf(cell).facts.mentioned) {
      if (!PYTHON_BUILTINS.has(mentioned) && !prelude.has(mentioned) && !metrics.includes(mentioned)) {
        metrics.push(mentioned);
      }
    }
  }

  return {
    pipeline: { ...annotations.settings, name },
    parameters,
    metrics,
    metricsStep: flow.metricsStep,
    roleCells,
    steps: flow.steps,
    problems: sortProblems(problems),
    sources
  };
}
