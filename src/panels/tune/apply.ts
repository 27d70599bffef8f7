/**
 * "Apply best trial", as text edits: the trial's values written over the
 * literals of the parameters cell, every other character kept (comments,
 * other lines, type hints, a literal whose value did not change). Pure:
 * the view turns each edit into `sharedModel.updateSource(from, to, text)`
 * so the change is an ordinary, undoable edit. Where a literal is comes from
 * core's parameterLiteralSpans (the analysis' own reading of the cell).
 */
import { parameterLiteralSpans } from '../../../core/src/analysis/literal-spans';
import type { ParameterType } from '../../../core/src/types';

export interface ITextEdit {
  name: string;
  from: number;
  to: number;
  text: string;
}

/** A value as a Python literal of the parameter's type; null when it does not fit. */
export function pythonLiteral(value: unknown, type: ParameterType, original = ''): string | null {
  switch (type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? String(value) : null;
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return null;
      }
      const text = String(value);
      // 3 is an int to Python: keep the parameter a float.
      return /[.eE]/.test(text) ? text : `${text}.0`;
    }
    case 'bool':
      return typeof value === 'boolean' ? (value ? 'True' : 'False') : null;
    case 'str': {
      if (typeof value !== 'string') {
        return null;
      }
      const quote = original.startsWith("'") ? "'" : '"';
      const body = value
        .replace(/\\/g, '\\\\')
        .replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r')
        .replace(/\t/g, '\\t')
        .split(quote)
        .join(`\\${quote}`);
      return `${quote}${body}${quote}`;
    }
    default:
      return null;
  }
}

/**
 * The edits that give the cell's parameters `values`, last in the source
 * first (so each keeps the offsets of the ones before it valid). Names the
 * cell does not assign, and values equal to the literal's, give no edit.
 */
export function literalEdits(source: string, values: { [name: string]: unknown }): { edits: ITextEdit[]; missing: string[] } {
  const spans = parameterLiteralSpans(source);
  const edits: ITextEdit[] = [];
  const missing: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const span = spans.find(s => s.name === name);
    const text = span ? pythonLiteral(value, span.type, span.text) : null;
    if (!span || text === null) {
      missing.push(name);
    } else if (span.value !== value) {
      edits.push({ name, from: span.from, to: span.to, text });
    }
  }
  edits.sort((a, b) => b.from - a.from);
  return { edits, missing };
}

/** The source after the edits (as updateSource would leave it). */
export function applyEdits(source: string, edits: readonly ITextEdit[]): string {
  return edits.reduce((text, e) => text.slice(0, e.from) + e.text + text.slice(e.to), source);
}
