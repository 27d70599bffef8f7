/**
 * IPython is not Python: magics (`%`, `%%`) and shell lines (`!`) are blanked
 * before parsing, line for line, so the parser's line numbers stay the
 * user's. Blanking an indented line leaves `pass` at its indentation, so a
 * block whose only line was a magic still parses.
 *
 * What a step program cannot honour is reported here: installing packages at
 * run time (`%pip`, `!pip`, `%conda`) and writing or running files
 * (`%%writefile`, `%run`, `%load`) and IPython's `x = !cmd` are errors;
 * session-only magics (`%matplotlib inline`, `%config`, `%load_ext`,
 * `%autoreload`, ...) are dropped silently since they change nothing a later
 * step sees; every other magic or shell line is a warning, because the step
 * runs without it. `%%time`, `%%timeit`, `%%capture`, `%%prun` cells and
 * `%time stmt` lines keep their Python, as the compiler's step program does
 * (compile/magics.ts uses this same function, so the two cannot disagree).
 */

export interface MagicProblem {
  severity: 'error' | 'warning';
  /** 1-based line within the cell. */
  line: number;
  message: string;
}

export interface BlankedCell {
  code: string;
  problems: MagicProblem[];
}

const HARMLESS = new Set([
  'matplotlib', 'load_ext', 'reload_ext', 'autoreload', 'aimport', 'config',
  'precision', 'pprint', 'xmode', 'timeit', 'who', 'whos', 'pwd', 'env', 'pdb'
]);
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun']);
const FILE_MAGICS = new Set(['run', 'load', 'writefile']);
const INSTALL = /^[!%]\s*(pip3?|conda|mamba|micromamba|uv\s+pip|python3?\s+-m\s+pip)\s+install\b|^%(pip|conda|mamba|micromamba)\b/;
/** `files = !ls`, `out = %sx ls`: IPython assigns the command's output. */
const ASSIGNED = /^(\s*)([A-Za-z_][\w]*(\s*,\s*[A-Za-z_]\w*)*)\s*=\s*[!%]/;

function classify(text: string, line: number): MagicProblem | null {
  if (INSTALL.test(text)) {
    return {
      severity: 'error',
      line,
      message: `line ${line}: "${text}" installs packages at run time, which the step program cannot honour; put the package in the step image`
    };
  }
  if (text.startsWith('!')) {
    return { severity: 'warning', line, message: `line ${line}: shell command "${text}" is left out of the step program` };
  }
  const name = /^%+\s*(\w+)/.exec(text)?.[1] ?? '';
  if (FILE_MAGICS.has(name)) {
    return {
      severity: 'error',
      line,
      message: `line ${line}: magic "%${name}" reads or writes files the step program cannot honour; use Python code instead`
    };
  }
  if (HARMLESS.has(name)) {
    return null;
  }
  return { severity: 'warning', line, message: `line ${line}: magic "${text}" is left out of the step program` };
}

/** Blank magics and shell lines of one cell's source. */
export function blankMagics(source: string): BlankedCell {
  const lines = source.split('\n');
  const problems: MagicProblem[] = [];
  if (lines[0].trimStart().startsWith('%%')) {
    const name = /^%%\s*(\w+)/.exec(lines[0].trim())?.[1] ?? '';
    if (PYTHON_CELL_MAGICS.has(name)) {
      lines[0] = '';
    } else {
      const severity = FILE_MAGICS.has(name) ? 'error' : 'warning';
      const why = severity === 'error' ? 'writes a file the step program cannot honour' : 'is not Python: the cell is left out of the step program';
      problems.push({ severity, line: 1, message: `line 1: cell magic "%%${name}" ${why}` });
      return { code: lines.map(() => '').join('\n'), problems };
    }
  }
  let continued = false;
  const out = lines.map((text, index) => {
    // A line continued with a backslash belongs to the statement above.
    const wasContinued = continued;
    continued = text.endsWith('\\');
    const trimmed = text.trimStart();
    if (wasContinued || !(trimmed.startsWith('%') || trimmed.startsWith('!'))) {
      const assigned = wasContinued ? null : ASSIGNED.exec(text);
      if (!assigned) {
        return text;
      }
      const rhs = text.slice(assigned[0].length - 1).trim();
      problems.push({
        severity: 'error',
        line: index + 1,
        message: `line ${index + 1}: "${text.trim()}" assigns the output of "${rhs}", which only IPython can run; use subprocess instead`
      });
      return `${assigned[1]}${assigned[2]} = None`;
    }
    const indent = text.slice(0, text.length - trimmed.length);
    const time = /^%time\s+(.*)$/.exec(trimmed);
    if (time) {
      return indent + time[1];
    }
    const problem = classify(trimmed.trimEnd(), index + 1);
    if (problem) {
      problems.push(problem);
    }
    return indent ? `${indent}pass` : '';
  });
  return { code: out.join('\n'), problems };
}
