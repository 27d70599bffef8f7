/**
 * Small helpers over @lezer/python syntax nodes, shared by the scope walker
 * and the parameters reader.
 */
import type { SyntaxNode } from '@lezer/common';

export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    out.push(child);
  }
  return out;
}

/** Maps an offset to a 1-based line number. */
export function lineIndex(source: string): (pos: number) => number {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return pos => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo + 1;
  };
}

/** The name a chain like `a.b[c].d` hangs on (`a`), or null (`f().x`). */
export function rootName(node: SyntaxNode, text: (node: SyntaxNode) => string): string | null {
  let current: SyntaxNode | null = node;
  while (current && (current.name === 'MemberExpression' || current.name === 'ParenthesizedExpression')) {
    current = current.name === 'ParenthesizedExpression' ? current.firstChild?.nextSibling ?? null : current.firstChild;
  }
  return current && current.name === 'VariableName' ? text(current) : null;
}

const PATTERN_CONTAINERS = new Set(['TupleExpression', 'ParenthesizedExpression', 'ArrayExpression']);

/** Plain names bound by a target like `a, (b, *c)` (not `x.y` or `x[0]`). */
export function targetNames(node: SyntaxNode, text: (node: SyntaxNode) => string, out: string[]): void {
  if (node.name === 'VariableName') {
    out.push(text(node));
  } else if (PATTERN_CONTAINERS.has(node.name)) {
    for (const child of children(node)) {
      targetNames(child, text, out);
    }
  }
}

export const COMPREHENSIONS = new Set([
  'ComprehensionExpression',
  'ArrayComprehensionExpression',
  'DictionaryComprehensionExpression',
  'SetComprehensionExpression'
]);
