/**
 * Corpus cases as data: each `*.json` file in this folder holds a list of
 * cases; a case is a notebook written compactly plus the exact expected
 * graph. `corpus.spec.ts` runs them all.
 *
 * Cell shorthands: `{"kf": <kubeflow metadata>, "src": ...}`,
 * `{"tags": [...], "src": ...}`, `{"src": ...}` (untagged), `{"md": ...}`
 * (markdown). `src` is a string or a list of lines.
 */
import type { NotebookCell, NotebookDocument } from '../../src/types';

export interface CorpusCell {
  kf?: unknown;
  tags?: string[];
  src?: string | string[];
  md?: string;
}

export interface ExpectedStep {
  inputs: string[];
  outputs: string[];
  parameters?: string[];
  after: string[];
  cells?: number[];
  sources?: { [name: string]: string };
}

export interface ExpectedProblem {
  severity: 'error' | 'warning';
  cell: number | null;
  name?: string;
  step?: string;
  field?: string;
  line?: number;
  /** A substring of the message. */
  match?: string;
}

export interface CorpusCase {
  name: string;
  cells: CorpusCell[];
  notebook?: { [key: string]: unknown };
  expect: {
    steps: { [name: string]: ExpectedStep };
    metricsStep?: ExpectedStep | null;
    parameters?: Array<{ name: string; type: string; default: unknown }>;
    metrics?: string[];
    pipeline?: string;
    problems: ExpectedProblem[];
  };
}

export function notebookOf(testCase: CorpusCase): NotebookDocument {
  const cells = testCase.cells.map((cell): NotebookCell => {
    if (cell.md !== undefined) {
      return { cell_type: 'markdown', source: cell.md, metadata: {} };
    }
    const source = Array.isArray(cell.src) ? cell.src.join('\n') : cell.src ?? '';
    const metadata: { [key: string]: unknown } = {};
    if (cell.kf !== undefined) metadata.kubeflow = cell.kf;
    if (cell.tags !== undefined) metadata.tags = cell.tags;
    return { cell_type: 'code', source, metadata };
  });
  return { nbformat: 4, nbformat_minor: 5, metadata: testCase.notebook ?? {}, cells };
}
