/**
 * Problems that come from one cell's code alone (magics, syntax errors, star
 * imports), and the order the UI lists problems in.
 */
import type { Problem } from '../types';
import type { CellAnalysis } from './cells';

export function cellProblems(cell: number, analysis: CellAnalysis, step?: string): Problem[] {
  const problems: Problem[] = [];
  const at = step === undefined ? {} : { step };
  for (const magic of analysis.magics) {
    problems.push({ severity: magic.severity, cell, line: magic.line, ...at, message: `cell ${cell}, ${magic.message}` });
  }
  const { syntaxError, starImports } = analysis.facts;
  if (syntaxError !== null) {
    problems.push({
      severity: 'error', cell, line: syntaxError, ...at,
      message: `cell ${cell}, line ${syntaxError}: syntax error`
    });
  }
  for (const line of starImports) {
    problems.push({
      severity: 'warning', cell, line, ...at,
      message: `cell ${cell}, line ${line}: "import *" hides which names the cell defines; import the names you use`
    });
  }
  return problems;
}

/** Notebook-wide first, then by cell and line; stable otherwise. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) =>
      (a.problem.cell ?? -1) - (b.problem.cell ?? -1) ||
      (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
      a.index - b.index)
    .map(({ problem }) => problem);
}
