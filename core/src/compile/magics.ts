/**
 * What a step program keeps of a cell: IPython magics and shell lines are
 * not Python, so they go, but every other line keeps its number so that a
 * traceback's `<cell N>, line L` points at the line the user sees.
 */

/** Line magics that only tune the interactive session: dropped silently. */
const HARMLESS = new Set([
  'matplotlib', 'load_ext', 'reload_ext', 'autoreload', 'aimport', 'config',
  'precision', 'pprint', 'xmode', 'timeit', 'who', 'whos', 'pwd', 'env', 'pdb'
]);

/** Cell magics whose body is still Python (the first line alone goes). */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun']);

export interface CleanCell {
  source: string;
  /** Lines that were dropped and might matter (`!pip install x`), for the log. */
  dropped: string[];
}

export function cleanCellSource(source: string): CleanCell {
  const lines = source.split('\n');
  const dropped: string[] = [];
  const first = lines[0].trim();
  if (first.startsWith('%%')) {
    const magic = first.slice(2).split(/\s+/)[0];
    if (!PYTHON_CELL_MAGICS.has(magic)) {
      // %%bash, %%writefile...: the whole cell is not Python.
      return { source: lines.map(() => '').join('\n'), dropped: [first] };
    }
    lines[0] = '';
  }
  const out = lines.map(line => {
    const match = /^(\s*)([%!])(.*)$/.exec(line);
    if (!match) {
      return line;
    }
    const [, indent, sigil, rest] = match;
    if (sigil === '%' && /^time\s/.test(rest)) {
      // `%time stmt` still runs stmt.
      return indent + rest.slice(4).trim();
    }
    const magic = rest.split(/\s+/)[0];
    if (sigil === '!' || !HARMLESS.has(magic)) {
      dropped.push(line.trim());
    }
    // Indented: keep the block non-empty. Top level: a blank line.
    return indent ? `${indent}pass` : '';
  });
  return { source: out.join('\n'), dropped };
}
