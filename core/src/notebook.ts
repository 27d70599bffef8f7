/**
 * Reading an nbformat 4 document from text, strictly enough that everything
 * downstream may trust the shape of `NotebookDocument`.
 */
import { MultilineString, NotebookCell, NotebookDocument } from './types';

/** The text is not a notebook we can read; the message says what is wrong. */
export class NotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookError';
  }
}

const CELL_TYPES = ['code', 'markdown', 'raw'];

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMultiline(value: unknown): value is MultilineString {
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.every(line => typeof line === 'string'))
  );
}

/** A cell's source as one string (nbformat allows a list of lines). */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Parse and check notebook JSON text. Throws `NotebookError`. */
export function readNotebook(text: string): NotebookDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new NotebookError(`not a notebook: the text is not JSON (${(err as Error).message})`);
  }
  return checkNotebook(data);
}

/** Check an already parsed value; throws `NotebookError`. */
export function checkNotebook(data: unknown): NotebookDocument {
  if (!isObject(data)) {
    throw new NotebookError('not a notebook: the JSON is not an object');
  }
  if (data.nbformat !== 4) {
    throw new NotebookError(
      `unsupported notebook format: nbformat is ${JSON.stringify(data.nbformat)}, expected 4`
    );
  }
  const minor = data.nbformat_minor ?? 0;
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) {
    throw new NotebookError('nbformat_minor must be a non-negative integer');
  }
  const metadata = data.metadata ?? {};
  if (!isObject(metadata)) {
    throw new NotebookError('notebook metadata must be an object');
  }
  if (!Array.isArray(data.cells)) {
    throw new NotebookError('notebook cells must be a list');
  }
  const cells = data.cells.map((cell, index) => checkCell(cell, index));
  return { nbformat: 4, nbformat_minor: minor, metadata, cells };
}

function checkCell(cell: unknown, index: number): NotebookCell {
  if (!isObject(cell)) {
    throw new NotebookError(`cell ${index}: must be an object`);
  }
  if (typeof cell.cell_type !== 'string' || !CELL_TYPES.includes(cell.cell_type)) {
    throw new NotebookError(
      `cell ${index}: cell_type must be one of ${CELL_TYPES.join(', ')}, got ${JSON.stringify(cell.cell_type)}`
    );
  }
  if (!isMultiline(cell.source)) {
    throw new NotebookError(`cell ${index}: source must be a string or a list of strings`);
  }
  const metadata = cell.metadata ?? {};
  if (!isObject(metadata)) {
    throw new NotebookError(`cell ${index}: metadata must be an object`);
  }
  if (cell.id !== undefined && typeof cell.id !== 'string') {
    throw new NotebookError(`cell ${index}: id must be a string`);
  }
  const result: NotebookCell = {
    cell_type: cell.cell_type as NotebookCell['cell_type'],
    source: cell.source,
    metadata
  };
  if (cell.id !== undefined) {
    result.id = cell.id as string;
  }
  return result;
}
