/**
 * Export: the compiled KFP v2 IR, saved next to the notebook.
 *
 * File name: `<notebook name without .ipynb>.pipeline.yaml` in the
 * notebook's folder (`work/train.ipynb` -> `work/train.pipeline.yaml`).
 * It follows the notebook, not the pipeline name, so renaming the pipeline
 * in the settings re-exports over the same file instead of leaving old
 * ones behind, and two notebooks never write each other's file. The
 * `.pipeline.yaml` suffix tells it apart from any other YAML in the folder.
 *
 * Nothing is written unless the whole pipeline compiles.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';
import { CompileError, compilePipeline } from '../../../core/src/compile';
import type { PipelineGraph } from '../../../core/src/types';

export const EXPORT_SUFFIX = '.pipeline.yaml';

/** Where the pipeline of the notebook at `notebookPath` is exported. */
export function exportPath(notebookPath: string): string {
  const stem = PathExt.basename(notebookPath).replace(/\.ipynb$/i, '');
  return PathExt.join(PathExt.dirname(notebookPath), stem + EXPORT_SUFFIX);
}

/** Why a pipeline cannot be exported; the message names cell, step or field. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The message of a CompileError, plus the place it names when the message does not. */
export function describeCompileError(error: CompileError): string {
  const extra: string[] = [];
  if (error.cell !== undefined && error.cell !== null && !error.message.includes(`cell ${error.cell}`)) {
    extra.push(`cell ${error.cell}`);
  }
  if (error.step && !error.message.includes(error.step)) {
    extra.push(`step ${error.step}`);
  }
  if (error.field && !error.message.includes(error.field)) {
    extra.push(`field ${error.field}`);
  }
  return extra.length ? `${error.message} (${extra.join(', ')})` : error.message;
}

/**
 * The IR YAML of a graph. Throws ExportError when the graph has error
 * problems (the first is named, with the count) or does not compile.
 */
export function pipelineYaml(graph: PipelineGraph): string {
  const errors = graph.problems.filter(p => p.severity === 'error');
  if (errors.length) {
    const first = errors[0];
    const place = first.cell === null || first.message.startsWith(`cell ${first.cell}`)
      ? ''
      : `cell ${first.cell}: `;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new ExportError(`${place}${first.message}${more}`);
  }
  try {
    return compilePipeline(graph).yaml;
  } catch (error) {
    if (error instanceof CompileError) {
      throw new ExportError(describeCompileError(error));
    }
    throw error;
  }
}

/** What export needs of the contents manager. */
export type ContentsSaver = Pick<Contents.IManager, 'save'>;

/** Compile and save; returns the path written. Writes nothing on error. */
export async function exportPipeline(
  graph: PipelineGraph,
  notebookPath: string,
  contents: ContentsSaver
): Promise<string> {
  const content = pipelineYaml(graph);
  const path = exportPath(notebookPath);
  await contents.save(path, { type: 'file', format: 'text', content });
  return path;
}
