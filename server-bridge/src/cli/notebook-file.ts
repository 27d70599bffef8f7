/**
 * Reading a notebook file for the command line. Every way it can fail
 * becomes one `NotebookFileError` whose message names the file and what is
 * wrong, so `analyze` and `compile` print the same thing and exit 2.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { NotebookError, readNotebook } from '../../../core/src/analysis';
import type { NotebookDocument } from '../../../core/src/types';

export class NotebookFileError extends Error {}

/** Exit code for a notebook we could not read (same as a usage error). */
export const EXIT_UNREADABLE = 2;

const READ_ERRORS: { [code: string]: string } = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a notebook file',
  EACCES: 'permission denied',
  EPERM: 'permission denied'
};

export function readNotebookFile(path: string): NotebookDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf-8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new NotebookFileError(`${path}: ${READ_ERRORS[code] ?? (err as Error).message}`);
  }
  try {
    return readNotebook(text);
  } catch (err) {
    if (err instanceof NotebookError) {
      throw new NotebookFileError(`${path}: ${err.message}`);
    }
    throw err;
  }
}

/**
 * The pipeline name when the notebook's settings give none: the file name
 * without `.ipynb` (the extension passes the same, so both agree).
 */
export function defaultPipelineName(path: string): string {
  return basename(path).replace(/\.ipynb$/i, '');
}
