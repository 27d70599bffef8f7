/**
 * What one code cell does to the notebook's global names, from its
 * @lezer/python tree: which names it reads before binding them (its uses),
 * which it binds, changes in place or deletes.
 *
 * Decisions (see core/README.md):
 * - A read after a sure binding in the same cell is no use. A binding inside
 *   `if`/`for`/`while`/`try`/`match` or a comprehension is only a maybe: a
 *   later read stays a (soft) use, and the name is marked pass-through: if a
 *   later step takes it from this step, the earlier value must flow through
 *   this step too, in case the branch did not run.
 * - Changing a name in place is a use and a change: `x.a = 1`, `x[k] = 1`,
 *   `x.a += 1`, `del x[k]` and any method call `x.m(...)`. Passing `x` to a
 *   function, `f(x)`, is not a change (Kale does the same; blind spot:
 *   `random.shuffle(x)`).
 * - Function and lambda bodies run later: their free names are uses when the
 *   function is defined, but soft if the cell binds the name anywhere (the
 *   usual "helper defined above the data it uses"). Their in-place changes of
 *   globals and their `global x; x = ...` count as maybe changes.
 * - Class bodies and comprehensions run at once, in scopes of their own.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { collectLocals, importedNames } from './locals';
import { children, COMPREHENSIONS } from './syntax';
import { CellFacts, MODULE, Scope, Tracker } from './tracker';

export type { CellFacts } from './tracker';

export function parseCell(code: string): Tree {
  return parser.parse(code);
}

export function cellFacts(code: string, tree: Tree = parseCell(code)): CellFacts {
  return new Walker(code).run(tree);
}

class Walker extends Tracker {
  run(tree: Tree): CellFacts {
    this.visit(tree.topNode, MODULE);
    this.facts.syntaxError = this.firstError(tree);
    return this.finish();
  }

  private target(node: SyntaxNode, scope: Scope): void {
    switch (node.name) {
      case 'VariableName':
        this.bind(this.text(node), scope, node);
        return;
      case 'TupleExpression':
      case 'ParenthesizedExpression':
      case 'ArrayExpression':
        children(node).forEach(child => this.target(child, scope));
        return;
      case 'MemberExpression':
        this.visit(node, scope);
        this.change(node, scope);
        return;
      default:
        if (node.type.isError) {
          this.visit(node, scope);
        }
    }
  }

  private visitAll(nodes: SyntaxNode[], scope: Scope): void {
    nodes.forEach(node => this.visit(node, scope));
  }

  private firstError(tree: Tree): number | null {
    const cursor = tree.cursor();
    do {
      if (cursor.type.isError) {
        return this.line(cursor.from);
      }
    } while (cursor.next());
    return null;
  }

  visit(node: SyntaxNode, scope: Scope): void {
    if (COMPREHENSIONS.has(node.name)) {
      this.comprehension(children(node).slice(1, -1), scope);
      return;
    }
    switch (node.name) {
      case 'VariableName':
        this.read(node, scope);
        return;
      case 'String':
      case 'Comment':
      case 'PropertyName':
        return;
      case 'AssignStatement':
        return this.assign(node, scope);
      case 'UpdateStatement': {
        const [target, , ...values] = children(node);
        this.visitAll(values, scope);
        this.visit(target, scope);
        if (target.name === 'VariableName') {
          this.bind(this.text(target), scope, target);
        } else {
          this.change(target, scope);
        }
        return;
      }
      case 'DeleteStatement':
        return this.del(children(node).slice(1), scope);
      case 'CallExpression': {
        this.visitAll(children(node), scope);
        const callee = node.firstChild!;
        if (callee.name === 'MemberExpression') {
          this.change(callee, scope);
        }
        return;
      }
      case 'ArgList':
        return this.args(node, scope);
      case 'NamedExpression': {
        const [name, , ...value] = children(node);
        this.visitAll(value, scope);
        if (name.name === 'VariableName') {
          this.bindWalrus(this.text(name), scope, name);
        }
        return;
      }
      case 'ImportStatement': {
        const { names, star } = importedNames(node, this.text);
        if (star) {
          this.facts.starImports.push(this.line(node.from));
        }
        names.forEach(name => this.bind(name, scope, node));
        return;
      }
      case 'ScopeStatement':
        return;
      case 'IfStatement':
      case 'WhileStatement': {
        const [, test, ...rest] = children(node);
        this.visit(test, scope);
        return this.conditionally(() => this.visitAll(rest, scope));
      }
      case 'ForStatement':
        return this.forStatement(node, scope);
      case 'WithStatement':
        return this.withStatement(node, scope);
      case 'TryStatement':
        return this.conditionally(() => this.tryStatement(node, scope));
      case 'MatchStatement':
        return this.matchStatement(node, scope);
      case 'DecoratedStatement':
      case 'FunctionDefinition':
      case 'ClassDefinition':
        return this.definition(node, scope);
      case 'LambdaExpression':
        return this.lambda(node, scope);
      case 'Body':
        if (this.depth > 0 && scope.kind === 'module') {
          // Each branch is a block of its own: `if` and `else` do not see each other.
          return this.conditionally(() => this.visitAll(children(node), scope));
        }
    }
    this.visitAll(children(node), scope);
  }

  private assign(node: SyntaxNode, scope: Scope): void {
    const segments: SyntaxNode[][] = [[]];
    for (const child of children(node)) {
      if (child.name === 'AssignOp') {
        segments.push([]);
      } else if (child.name === 'TypeDef') {
        this.visit(child, scope);
      } else {
        segments[segments.length - 1].push(child);
      }
    }
    if (segments.length === 1) {
      return; // `x: int` annotates without binding
    }
    this.visitAll(segments.pop()!, scope);
    segments.forEach(targets => targets.forEach(target => this.target(target, scope)));
  }

  private del(targets: SyntaxNode[], scope: Scope): void {
    for (const target of targets) {
      if (target.name === 'VariableName') {
        const name = this.text(target);
        this.read(target, scope);
        if (scope.kind === 'module' && this.depth === 0) {
          this.facts.definite.delete(name);
          this.facts.maybe.delete(name);
          this.facts.changes.delete(name);
          this.facts.deleted.add(name);
        } else {
          this.bind(name, scope, target);
        }
      } else if (target.name === 'TupleExpression' || target.name === 'ParenthesizedExpression' || target.name === 'ArrayExpression') {
        this.del(children(target), scope);
      } else if (target.name === 'MemberExpression') {
        this.visit(target, scope);
        this.change(target, scope);
      }
    }
  }

  private args(node: SyntaxNode, scope: Scope): void {
    const items = children(node);
    if (items.some(item => item.name === 'for')) {
      return this.comprehension(items.slice(1, -1), scope);
    }
    for (let i = 0; i < items.length; i++) {
      const op = items[i + 1];
      if (items[i].name === 'VariableName' && op?.name === 'AssignOp') {
        const value = items.slice(i + 2).find(item => item.name !== ',');
        if (this.text(op) === ':=') {
          if (value) this.visit(value, scope);
          this.bindWalrus(this.text(items[i]), scope, items[i]);
        } else if (value) {
          this.visit(value, scope);
        }
        i += 2;
      } else {
        this.visit(items[i], scope);
      }
    }
  }

  private forStatement(node: SyntaxNode, scope: Scope): void {
    const items = children(node);
    const inAt = items.findIndex(child => child.name === 'in');
    const bodyAt = items.findIndex(child => child.name === 'Body');
    this.visitAll(items.slice(inAt + 1, bodyAt), scope);
    this.conditionally(() => {
      items.slice(0, inAt).forEach(target => this.target(target, scope));
      this.visitAll(items.slice(bodyAt), scope);
    });
  }

  private withStatement(node: SyntaxNode, scope: Scope): void {
    const items = children(node);
    items.forEach((child, index) => {
      if (child.name === 'as') {
        return;
      }
      if (items[index - 1]?.name === 'as') {
        this.target(child, scope);
      } else {
        this.visit(child, scope);
      }
    });
  }

  private tryStatement(node: SyntaxNode, scope: Scope): void {
    const items = children(node);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.name === 'as' && items[i + 1]?.name === 'VariableName') {
        // `except E as e`: e lives in the handler only (Python deletes it after).
        const name = this.text(items[i + 1]);
        const body = items[i + 2];
        const fresh = scope.kind === 'module' && !this.exceptNames.has(name);
        if (fresh) this.exceptNames.add(name);
        if (body) this.visit(body, scope);
        if (fresh) this.exceptNames.delete(name);
        i += 2;
      } else {
        this.visit(item, scope);
      }
    }
  }

  private matchStatement(node: SyntaxNode, scope: Scope): void {
    const [, subject, ...rest] = children(node).filter(child => child.name !== '*');
    this.visit(subject, scope);
    this.conditionally(() => rest.forEach(child => this.pattern(child, scope)));
  }

  private pattern(node: SyntaxNode, scope: Scope): void {
    switch (node.name) {
      case 'CapturePattern':
        return this.target(node.firstChild!, scope);
      case 'AsPattern': {
        const items = children(node);
        items.slice(0, -1).forEach(child => this.pattern(child, scope));
        return this.target(items[items.length - 1], scope);
      }
      case 'KeywordPattern':
        return children(node).slice(1).forEach(child => this.pattern(child, scope));
      case 'VariableName':
        return this.read(node, scope);
      case 'Guard':
      case 'Body':
        return this.visit(node, scope);
    }
    children(node).forEach(child => this.pattern(child, scope));
  }

  private definition(node: SyntaxNode, scope: Scope): void {
    const items = children(node);
    const def = node.name === 'DecoratedStatement' ? items[items.length - 1] : node;
    const nameNode = def.getChild('VariableName');
    const name = nameNode ? this.text(nameNode) : null;
    const top = scope.kind === 'module' && name !== null && this.topDef === null;
    if (top) {
      this.topDef = name;
      this.facts.functionUses.set(name!, new Set());
    }
    for (const decorator of node.getChildren('Decorator')) {
      // `@a.b.c(args)`: only `a` is a name; `b`, `c` are attributes.
      const [first] = decorator.getChildren('VariableName');
      if (first) this.read(first, scope);
      const args = decorator.getChild('ArgList');
      if (args) this.visit(args, scope);
    }
    if (def.name === 'FunctionDefinition') {
      this.functionDefinition(def, scope, name, nameNode);
    } else if (def.name === 'ClassDefinition') {
      const args = def.getChild('ArgList');
      if (args) this.visit(args, scope);
      const inner: Scope = { kind: 'class', locals: new Set(), parent: scope };
      const body = def.getChild('Body');
      if (body) this.visit(body, inner);
      if (name !== null) this.bind(name, scope, nameNode!);
    }
    if (top) {
      this.topDef = null;
    }
  }

  private functionDefinition(def: SyntaxNode, scope: Scope, name: string | null, nameNode: SyntaxNode | null): void {
    const params = this.params(def.getChild('ParamList'), scope);
    def.getChildren('TypeDef').forEach(typeDef => this.visit(typeDef, scope));
    // Bound before the body is walked: the body runs later, when it exists.
    if (name !== null) this.bind(name, scope, nameNode!);
    const body = def.getChild('Body');
    if (body) {
      const { locals, globals } = collectLocals(body, params, this.text);
      this.visit(body, { kind: 'function', locals, globals, parent: scope });
    }
  }

  /** Defaults and annotations are evaluated now, in the defining scope. */
  private params(list: SyntaxNode | null, scope: Scope): string[] {
    const names: string[] = [];
    if (!list) return names;
    const items = children(list);
    items.forEach((item, index) => {
      if (item.name === 'VariableName' && items[index - 1]?.name !== 'AssignOp') {
        names.push(this.text(item));
      } else if (item.name === 'TypeDef' || items[index - 1]?.name === 'AssignOp') {
        this.visit(item, scope);
      }
    });
    return names;
  }

  private lambda(node: SyntaxNode, scope: Scope): void {
    const params = this.params(node.getChild('ParamList'), scope);
    const body = children(node).filter(child => !['lambda', 'ParamList', ':'].includes(child.name));
    for (const expression of body) {
      const { locals } = collectLocals(expression, params, this.text);
      this.visit(expression, { kind: 'function', locals, globals: new Set(), parent: scope });
    }
  }

  /** `[e for x in xs if c]`, and the bare generator argument `f(e for x in xs)`. */
  private comprehension(items: SyntaxNode[], scope: Scope): void {
    const firstFor = items.findIndex(child => child.name === 'for');
    const element = items.slice(0, firstFor);
    const inner: Scope = { kind: 'comprehension', locals: new Set(), parent: scope };
    let first = true;
    let mode: 'targets' | 'iterable' | 'condition' = 'condition';
    let pending: SyntaxNode[] = [];
    // Everything but the first iterable may run zero times: maybe bindings.
    this.depth++;
    this.blocks.push(new Set());
    for (const item of items.slice(firstFor)) {
      if (item.name === 'for' || item.name === 'async') {
        mode = 'targets';
      } else if (item.name === 'in') {
        mode = 'iterable';
      } else if (item.name === 'if') {
        mode = 'condition';
      } else if (mode === 'targets') {
        pending.push(item);
      } else if (mode === 'iterable') {
        // The first iterable is evaluated in the enclosing scope, at once.
        if (first) this.depth--;
        this.visit(item, first ? scope : inner);
        if (first) this.depth++;
        first = false;
        pending.forEach(target => this.target(target, inner));
        pending = [];
      } else {
        this.visit(item, inner);
      }
    }
    this.visitAll(element, inner);
    this.blocks.pop();
    this.depth--;
  }
}
