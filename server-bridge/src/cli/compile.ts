/**
 * `kubeflow-bridge compile NOTEBOOK [-o FILE]`: the notebook's KFP v2 IR
 * YAML on stdout, or written atomically to FILE.
 *
 * Nothing is written unless the whole notebook compiles: every error
 * problem is printed as `NOTEBOOK: cell N: message` on stderr (warnings
 * too, marked `warning:`), exit 1. Exit 2: usage error, unreadable
 * notebook, or FILE cannot be written.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeNotebook } from '../../../core/src/analysis';
import { CompileError, compilePipeline } from '../../../core/src/compile';
import type { Problem } from '../../../core/src/types';
import { CommandIO, PROCESS_IO } from './io';
import { problemPlace } from './problem-place';
import { EXIT_UNREADABLE, NotebookFileError, defaultPipelineName, readNotebookFile } from './notebook-file';
import { UsageError } from './usage';
import { writeFileAtomic } from './write-atomic';

export async function compile(
  argv: string[],
  _env: NodeJS.ProcessEnv,
  io: CommandIO = PROCESS_IO
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { output: { type: 'string', short: 'o' } },
    allowPositionals: true,
    strict: true
  });
  if (positionals.length !== 1) {
    throw new UsageError('expected one NOTEBOOK argument');
  }
  const [path] = positionals;
  const output = values.output;
  if (output !== undefined && resolve(output) === resolve(path)) {
    // A slip of the fingers would replace the notebook with YAML.
    throw new UsageError(`-o ${output} is the notebook itself`);
  }
  // `NOTEBOOK: cell N: message`; a notebook-wide problem has no cell.
  const say = (cell: number | null | undefined, message: string, note = '') => {
    const { place, text } = problemPlace({ cell: cell ?? null, message });
    io.stderr(`${path}: ${place === 'notebook' ? '' : `${place}: `}${note}${text}\n`);
  };

  let yaml: string;
  try {
    const graph = analyzeNotebook(readNotebookFile(path), { defaultName: defaultPipelineName(path) });
    const errors = graph.problems.filter((p: Problem) => p.severity === 'error');
    for (const p of graph.problems) {
      say(p.cell, p.message, p.severity === 'error' ? '' : 'warning: ');
    }
    if (errors.length) {
      io.stderr(`${path}: not compiled: ${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
      return 1;
    }
    yaml = compilePipeline(graph).yaml;
  } catch (err) {
    if (err instanceof NotebookFileError) {
      io.stderr(`kubeflow-bridge compile: ${err.message}\n`);
      return EXIT_UNREADABLE;
    }
    if (err instanceof CompileError) {
      say(err.cell, err.message);
      return 1;
    }
    throw err;
  }

  if (output === undefined) {
    io.stdout(yaml);
    return 0;
  }
  try {
    writeFileAtomic(output, yaml);
  } catch (err) {
    io.stderr(`kubeflow-bridge compile: cannot write ${output}: ${(err as Error).message}\n`);
    return 2;
  }
  return 0;
}
