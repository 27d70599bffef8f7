/**
 * Which names a function (or lambda) body binds. Python decides this for the
 * whole body before it runs: a name assigned anywhere in a function is local
 * everywhere in it (unless declared `global`/`nonlocal`), so the walker needs
 * this pre-pass before it can tell a local read from a global one.
 *
 * The pass does not enter nested functions, lambdas or class bodies (their
 * names are theirs), but does enter comprehensions, because a walrus there
 * binds in the enclosing function (PEP 572).
 */
import type { SyntaxNode } from '@lezer/common';
import { children, COMPREHENSIONS, targetNames } from './syntax';

export interface FunctionLocals {
  locals: Set<string>;
  globals: Set<string>;
  nonlocals: Set<string>;
}

type Text = (node: SyntaxNode) => string;

export function collectLocals(body: SyntaxNode, params: string[], text: Text): FunctionLocals {
  const bound = new Set(params);
  const globals = new Set<string>();
  const nonlocals = new Set<string>();
  const bindTargets = (node: SyntaxNode) => {
    const names: string[] = [];
    targetNames(node, text, names);
    names.forEach(name => bound.add(name));
  };
  const visit = (node: SyntaxNode): void => {
    switch (node.name) {
      case 'FunctionDefinition':
      case 'ClassDefinition': {
        const name = node.getChild('VariableName');
        if (name) {
          bound.add(text(name));
        }
        return;
      }
      case 'LambdaExpression':
      case 'String':
        return;
      case 'ScopeStatement': {
        const set = node.firstChild?.name === 'global' ? globals : nonlocals;
        node.getChildren('VariableName').forEach(name => set.add(text(name)));
        return;
      }
      case 'AssignStatement': {
        let last: SyntaxNode | null = null;
        for (const child of children(node)) {
          if (child.name === 'AssignOp') {
            last = child;
          }
        }
        for (const child of children(node)) {
          if (last && child.from < last.from) {
            bindTargets(child);
          } else if (child.name !== 'TypeDef') {
            visit(child);
          }
        }
        return;
      }
      case 'UpdateStatement':
      case 'DeleteStatement':
        children(node).forEach(child => bindTargets(child));
        break;
      case 'ForStatement': {
        const items = children(node);
        const inAt = items.findIndex(child => child.name === 'in');
        items.slice(0, inAt).forEach(child => bindTargets(child));
        break;
      }
      case 'WithStatement':
      case 'TryStatement':
      case 'AsPattern': {
        const items = children(node);
        items.forEach((child, index) => {
          if (child.name === 'as' && items[index + 1]?.name === 'VariableName') {
            bound.add(text(items[index + 1]));
          }
        });
        break;
      }
      case 'CapturePattern':
        bindTargets(node.firstChild!);
        return;
      case 'ImportStatement':
        importedNames(node, text).names.forEach(name => bound.add(name));
        return;
      case 'NamedExpression': {
        const target = node.firstChild;
        if (target?.name === 'VariableName') {
          bound.add(text(target));
        }
        break;
      }
      case 'ArgList': {
        const items = children(node);
        items.forEach((child, index) => {
          const op = items[index + 1];
          if (child.name === 'VariableName' && op?.name === 'AssignOp' && text(op) === ':=') {
            bound.add(text(child));
          }
        });
        break;
      }
    }
    if (COMPREHENSIONS.has(node.name)) {
      // Only walrus targets escape a comprehension; its loop variables do not.
      visitWalrusOnly(node);
      return;
    }
    children(node).forEach(visit);
  };
  const visitWalrusOnly = (node: SyntaxNode): void => {
    if (node.name === 'NamedExpression' && node.firstChild?.name === 'VariableName') {
      bound.add(text(node.firstChild));
    }
    if (node.name !== 'LambdaExpression' && node.name !== 'String') {
      children(node).forEach(visitWalrusOnly);
    }
  };
  visit(body);
  globals.forEach(name => bound.delete(name));
  nonlocals.forEach(name => bound.delete(name));
  return { locals: bound, globals, nonlocals };
}

/** Names an import statement binds, and whether it is a star import. */
export function importedNames(node: SyntaxNode, text: Text): { names: string[]; star: boolean } {
  const items = children(node);
  const isFrom = items[0]?.name === 'from';
  const start = items.findIndex(child => child.name === 'import') + 1;
  const names: string[] = [];
  let star = false;
  let group: SyntaxNode[] = [];
  const flush = () => {
    const asAt = group.findIndex(child => child.name === 'as');
    const vars = group.filter(child => child.name === 'VariableName');
    if (asAt >= 0 && group[asAt + 1]) {
      names.push(text(group[asAt + 1]));
    } else if (vars.length) {
      // `import a.b` binds `a`; `from m import x` binds `x`.
      names.push(text(isFrom ? vars[vars.length - 1] : vars[0]));
    }
    group = [];
  };
  for (const child of items.slice(start)) {
    if (child.name === ',') {
      flush();
    } else if (child.name === '*') {
      star = true;
    } else if (child.name !== '(' && child.name !== ')') {
      group.push(child);
    }
  }
  flush();
  return { names, star };
}
