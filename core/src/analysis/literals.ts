/**
 * Python literals (as parameters are written) into JSON values. Only what
 * survives the trip to a KFP parameter and back is a literal here: numbers
 * (negative too), strings (not bytes, not f-strings), booleans, and lists
 * and dicts (string keys) made of those. `None`, tuples, sets and complex
 * numbers are not: their Python type would not survive.
 */
import type { SyntaxNode } from '@lezer/common';
import type { ParameterType } from '../types';
import { children } from './syntax';

export type Literal = { type: ParameterType; value: unknown };

type Text = (node: SyntaxNode) => string;

export function literalOf(node: SyntaxNode, text: Text): Literal | null {
  switch (node.name) {
    case 'Number':
      return numberOf(text(node));
    case 'UnaryExpression': {
      const [op, operand] = children(node);
      const inner = operand?.name === 'Number' ? numberOf(text(operand)) : null;
      if (!inner || op.name !== 'ArithOp') {
        return null;
      }
      return text(op) === '-' ? { ...inner, value: -(inner.value as number) } : inner;
    }
    case 'Boolean':
      return { type: 'bool', value: text(node) === 'True' };
    case 'String': {
      const value = stringOf(text(node));
      return value === null ? null : { type: 'str', value };
    }
    case 'ContinuedString': {
      const parts = children(node).map(part => (part.name === 'String' ? stringOf(text(part)) : null));
      return parts.every(part => part !== null) ? { type: 'str', value: parts.join('') } : null;
    }
    case 'ParenthesizedExpression': {
      const inner = children(node)[1];
      return inner ? literalOf(inner, text) : null;
    }
    case 'ArrayExpression': {
      const values: unknown[] = [];
      for (const item of children(node).filter(child => !['[', ']', ','].includes(child.name))) {
        const literal = literalOf(item, text);
        if (!literal) return null;
        values.push(literal.value);
      }
      return { type: 'list', value: values };
    }
    case 'DictionaryExpression':
      return dictOf(node, text);
  }
  return null;
}

function dictOf(node: SyntaxNode, text: Text): Literal | null {
  const items = children(node).filter(child => !['{', '}', ','].includes(child.name));
  const value: { [key: string]: unknown } = {};
  for (let i = 0; i < items.length; i += 3) {
    const key = literalOf(items[i], text);
    const entry = items[i + 2] ? literalOf(items[i + 2], text) : null;
    if (!key || key.type !== 'str' || items[i + 1]?.name !== ':' || !entry) {
      return null;
    }
    value[key.value as string] = entry.value;
  }
  return { type: 'dict', value };
}

function numberOf(raw: string): Literal | null {
  const digits = raw.replace(/_/g, '');
  if (/[jJ]$/.test(digits)) {
    return null;
  }
  if (/^0[xob]/i.test(digits)) {
    const base = { x: 16, o: 8, b: 2 }[digits[1].toLowerCase() as 'x' | 'o' | 'b'];
    return { type: 'int', value: parseInt(digits.slice(2), base) };
  }
  const value = Number(digits);
  if (!Number.isFinite(value)) {
    return null;
  }
  return { type: /[.eE]/.test(digits) ? 'float' : 'int', value };
}

const ESCAPES: { [c: string]: string } = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': ''
};

/** The value of a Python string literal, or null for bytes. */
export function stringOf(raw: string): string | null {
  const prefix = /^[A-Za-z]*/.exec(raw)![0].toLowerCase();
  if (prefix.includes('b') || prefix.includes('f')) {
    return null;
  }
  const rest = raw.slice(prefix.length);
  const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest[0];
  const body = rest.slice(quote.length, rest.length - quote.length);
  if (prefix.includes('r')) {
    return body;
  }
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (match, code: string) => {
    if (/^[xuU]/.test(code) && code.length > 1) {
      return String.fromCodePoint(parseInt(code.slice(1), 16));
    }
    if (/^[0-7]+$/.test(code)) {
      return String.fromCodePoint(parseInt(code, 8));
    }
    return code in ESCAPES ? ESCAPES[code] : match;
  });
}
