/**
 * A run's notebook -> the compiled IR, with core's own analysis and
 * compiler (the very code the extension runs live). A notebook path is
 * relative to the root dir (Jupyter's `root_dir`) and may not leave it.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { analyzeNotebook, NotebookError, readNotebook } from '../../../../core/src/analysis';
import { checkNotebook } from '../../../../core/src/notebook';
import { CompileError, compilePipeline } from '../../../../core/src/compile';
import type { NotebookDocument, Problem } from '../../../../core/src/types';
import { EngineError } from './types';

export interface NotebookSource {
  path?: string;
  /** The notebook JSON, as an object or as text. */
  content?: unknown;
}

export interface CompiledNotebook {
  /** Normalized path relative to the root, or null for inline content. */
  path: string | null;
  /** Where steps run: the notebook's folder, else null (the run folder). */
  cwd: string | null;
  pipelineSpec: object;
  /** The IR as KFP takes it: the PipelineSpec, and the platform document when there is one. */
  yaml: string;
  /** The notebook's experiment setting, if any. */
  experiment?: string;
}

const inside = (root: string, absolute: string) => absolute === root || absolute.startsWith(root + sep);

/**
 * `path` inside `rootDir`, normalized with '/' separators; EngineError
 * otherwise. An absolute path is accepted when it lies inside the root: a
 * kernel knows its notebook's folder (its cwd) but not the server's root.
 * The root is also compared by its real path, since a kernel's cwd has its
 * symlinks resolved and Jupyter's root_dir may not.
 */
export function notebookPath(rootDir: string, path: string): { relative: string; absolute: string } {
  const refuse = () => new EngineError(`notebook path ${JSON.stringify(path)} is outside the Jupyter root`, 400, 'notebook.path');
  if (path.includes('\0')) {
    throw refuse();
  }
  let root = resolve(rootDir);
  const absolute = resolve(root, path);
  if (isAbsolute(path) && !inside(root, absolute)) {
    root = realRoot(root);
  }
  if (!inside(root, absolute)) {
    throw refuse();
  }
  return { relative: relative(root, absolute).split(sep).join('/'), absolute };
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}

/** The notebook document of a source (a tuning study analyses it itself). */
export function loadNotebook(rootDir: string, source: NotebookSource): { doc: NotebookDocument; path: string | null; cwd: string | null } {
  const field = source.content !== undefined ? 'notebook.content' : 'notebook.path';
  try {
    if (source.content !== undefined) {
      const doc = typeof source.content === 'string' ? readNotebook(source.content) : checkNotebook(source.content);
      // Content with a path: the unsaved editor state of that notebook.
      const where = source.path === undefined ? null : notebookPath(rootDir, source.path);
      return { doc, path: where?.relative ?? null, cwd: where ? dirname(where.absolute) : null };
    }
    const where = notebookPath(rootDir, source.path!);
    let text: string;
    try {
      text = readFileSync(where.absolute, 'utf-8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
      throw new EngineError(`notebook ${where.relative}: ${why}`, 400, 'notebook.path');
    }
    return { doc: readNotebook(text), path: where.relative, cwd: dirname(where.absolute) };
  } catch (err) {
    if (err instanceof NotebookError) {
      throw new EngineError(err.message, 400, field);
    }
    throw err;
  }
}

export function compileNotebook(rootDir: string, source: NotebookSource): CompiledNotebook {
  const { doc, path, cwd } = loadNotebook(rootDir, source);
  const defaultName = path ? basename(path).replace(/\.ipynb$/i, '') : undefined;
  const graph = analyzeNotebook(doc, { defaultName });
  const errors = graph.problems.filter((p: Problem) => p.severity === 'error');
  if (errors.length) {
    const first = errors.slice(0, 3).map(p => {
      const at = p.cell === null ? 'notebook' : `cell ${p.cell}`;
      return p.message.startsWith(at) ? p.message : `${at}: ${p.message}`;
    });
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
    throw new EngineError(`the pipeline has errors: ${first.join('; ')}${more}`, 400, 'notebook');
  }
  try {
    const compiled = compilePipeline(graph);
    return { path, cwd, pipelineSpec: compiled.pipelineSpec, yaml: compiled.yaml, experiment: graph.pipeline.experiment };
  } catch (err) {
    if (err instanceof CompileError) {
      const at = [err.cell != null ? `cell ${err.cell}` : '', err.step ? `step ${err.step}` : ''].filter(Boolean).join(', ');
      throw new EngineError(`cannot compile${at ? ` (${at})` : ''}: ${err.message}`, 400, 'notebook');
    }
    throw err;
  }
}
