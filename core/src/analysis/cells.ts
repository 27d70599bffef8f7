/**
 * One code cell, analysed once: magics blanked, parsed, scoped. The
 * analyzer keeps these by source text, so re-analysing after a keystroke
 * re-parses only the cell that changed.
 */
import type { Tree } from '@lezer/common';
import { blankMagics, MagicProblem } from '../magics';
import { cellFacts, CellFacts, parseCell } from './scope';
import { lineIndex } from './syntax';

export interface CellAnalysis {
  code: string;
  tree: Tree;
  facts: CellFacts;
  magics: MagicProblem[];
  line: (pos: number) => number;
}

export function analyzeCell(source: string): CellAnalysis {
  const { code, problems } = blankMagics(source);
  const tree = parseCell(code);
  return { code, tree, facts: cellFacts(code, tree), magics: problems, line: lineIndex(code) };
}

/** A cache of cell analyses by source; entries unused by the last run go. */
export class CellCache {
  private entries = new Map<string, CellAnalysis>();
  private used = new Map<string, CellAnalysis>();

  get(source: string): CellAnalysis {
    let entry = this.used.get(source) ?? this.entries.get(source);
    if (!entry) {
      entry = analyzeCell(source);
    }
    this.used.set(source, entry);
    return entry;
  }

  /** Call after each run: forget the cells no longer in the notebook. */
  sweep(): void {
    this.entries = this.used;
    this.used = new Map();
  }
}
