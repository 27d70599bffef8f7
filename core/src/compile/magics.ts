/**
 * What a step program keeps of a cell: IPython magics and shell lines are
 * not Python, so they go, but every other line keeps its number so that a
 * traceback's `<cell N>, line L` points at the line the user sees.
 *
 * The rules live in ../magics.ts, shared with the analysis: what the
 * analysis reports and what the step program runs cannot drift apart.
 */
import { blankMagics } from '../magics';

export interface CleanCell {
  source: string;
  /** Lines that were dropped and might matter (`!pip install x`), for the log. */
  dropped: string[];
}

export function cleanCellSource(source: string): CleanCell {
  const { code, problems } = blankMagics(source);
  const lines = source.split('\n');
  return { source: code, dropped: problems.map(p => lines[p.line - 1].trim()) };
}
