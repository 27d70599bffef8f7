/**
 * Where each parameter's literal sits in the parameters cell's source, so an
 * editor can rewrite just that literal (the Tune view's "Apply best trial")
 * and keep every other character: comments, other lines, type hints.
 * Reads the cell as readParameters does (magics blanked, the same
 * `NAME = literal` rule, the last assignment of a name wins); offsets are
 * mapped back to the user's source by line and column, and a literal whose
 * text blanking changed is left out.
 */
import type { ParameterType } from '../types';
import { analyzeCell } from './cells';
import { literalOf } from './literals';
import { children } from './syntax';

export interface LiteralSpan {
  name: string;
  type: ParameterType;
  value: unknown;
  /** Offsets into the cell's source (UTF-16, as JavaScript strings and Yjs texts count). */
  from: number;
  to: number;
  /** The literal as written. */
  text: string;
}

export function parameterLiteralSpans(source: string): LiteralSpan[] {
  const { code, tree } = analyzeCell(source);
  const text = (node: { from: number; to: number }) => code.slice(node.from, node.to);
  const spans = new Map<string, LiteralSpan>();
  const codeStarts = lineStarts(code);
  const sourceStarts = lineStarts(source);
  const toSource = (pos: number) => {
    let line = 0;
    while (line + 1 < codeStarts.length && codeStarts[line + 1] <= pos) {
      line++;
    }
    return sourceStarts[line] + (pos - codeStarts[line]);
  };
  for (const statement of children(tree.topNode)) {
    if (statement.name !== 'AssignStatement') {
      continue;
    }
    const [target, op, value, ...more] = children(statement).filter(child => child.name !== 'TypeDef');
    if (target?.name !== 'VariableName' || op?.name !== 'AssignOp' || !value || more.length) {
      continue;
    }
    const literal = literalOf(value, text);
    // Blanking keeps the lines (their number), not their lengths: map by line and column.
    const from = toSource(value.from);
    const to = from + (value.to - value.from);
    if (!literal || source.slice(from, to) !== text(value)) {
      continue;
    }
    const name = text(target);
    spans.delete(name);
    spans.set(name, { name, type: literal.type, value: literal.value, from, to, text: text(value) });
  }
  return [...spans.values()];
}

function lineStarts(s: string): number[] {
  const starts = [0];
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}
