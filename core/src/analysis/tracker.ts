/**
 * The bookkeeping behind the scope walker (scope.ts): the facts one cell
 * produces, the scope chain, and how a read, a binding or an in-place change
 * of a name lands in the facts. The walker decides what the syntax means;
 * this class decides what that does to the cell's global names.
 */
import type { SyntaxNode } from '@lezer/common';
import { lineIndex, rootName } from './syntax';

export interface CellFacts {
  /** Names read before the cell surely binds them, with the first line. */
  uses: Map<string, number>;
  /** Names read after only a maybe binding: taken from earlier steps if available. */
  softUses: Map<string, number>;
  /**
   * Names maybe bound (conditionally, or by a function's `global`): if a later
   * step takes the name from this cell's step, the earlier value must pass
   * through this step in case the binding did not happen.
   */
  passThrough: Set<string>;
  /** Names surely bound at the end of the cell. */
  definite: Set<string>;
  /** Names maybe bound at the end of the cell (and not surely). */
  maybe: Set<string>;
  /** Names changed in place (and not rebound). */
  changes: Set<string>;
  /** Names unbound by `del` at the end of the cell. */
  deleted: Set<string>;
  /** For each top-level function or class: the global names its body uses. */
  functionUses: Map<string, Set<string>>;
  /** Global names in order of first mention (read or bound). */
  mentioned: string[];
  /** Lines of `from m import *`. */
  starImports: number[];
  /** Line of the first syntax error, or null. */
  syntaxError: number | null;
}

export type Scope =
  | { kind: 'module' }
  | { kind: 'function'; locals: Set<string>; globals: Set<string>; parent: Scope }
  | { kind: 'class' | 'comprehension'; locals: Set<string>; parent: Scope };

export const MODULE: Scope = { kind: 'module' };

export class Tracker {
  protected facts: CellFacts = {
    uses: new Map(),
    softUses: new Map(),
    passThrough: new Set(),
    definite: new Set(),
    maybe: new Set(),
    changes: new Set(),
    deleted: new Set(),
    functionUses: new Map(),
    mentioned: [],
    starImports: [],
    syntaxError: null
  };
  protected mentionedSet = new Set<string>();
  protected everBound = new Set<string>();
  protected exceptNames = new Set<string>();
  /**
   * Names bound inside each enclosing conditional block: sure for the rest
   * of that block (`for x in xs: print(x)`), only maybe after it.
   */
  protected blocks: Array<Set<string>> = [];
  protected deferred: Array<{ name: string; line: number }> = [];
  protected deferredChanges = new Set<string>();
  protected depth = 0;
  protected topDef: string | null = null;
  protected line: (pos: number) => number;

  constructor(protected code: string) {
    this.line = lineIndex(code);
  }

  protected text = (node: SyntaxNode) => this.code.slice(node.from, node.to);

  /** Settle what only the end of the cell can tell. */
  protected finish(): CellFacts {
    const facts = this.facts;
    for (const { name, line } of this.deferred) {
      this.addUse(name, line, this.everBound.has(name));
    }
    for (const name of this.deferredChanges) {
      facts.passThrough.add(name);
      facts.changes.add(name);
    }
    facts.definite.forEach(name => facts.maybe.delete(name));
    for (const name of [...facts.definite, ...facts.maybe]) {
      facts.changes.delete(name);
    }
    return facts;
  }

  protected isSure(name: string): boolean {
    return (
      this.facts.definite.has(name) ||
      this.exceptNames.has(name) ||
      this.blocks.some(block => block.has(name))
    );
  }

  /** Run `body` as a conditional block: its bindings are maybes outside it. */
  protected conditionally(body: () => void): void {
    this.depth++;
    this.blocks.push(new Set());
    body();
    this.blocks.pop();
    this.depth--;
  }

  protected addUse(name: string, line: number, soft: boolean): void {
    const { uses, softUses } = this.facts;
    if (uses.has(name)) {
      return;
    }
    if (!soft) {
      uses.set(name, line);
      softUses.delete(name);
    } else if (!softUses.has(name)) {
      softUses.set(name, line);
    }
  }

  protected mention(name: string): void {
    if (!this.mentionedSet.has(name)) {
      this.mentionedSet.add(name);
      this.facts.mentioned.push(name);
    }
  }

  /** Where a read of `name` in `scope` lands: a local, a global now, or a global later. */
  protected resolve(name: string, scope: Scope): 'local' | 'now' | 'later' {
    let inFunction = false;
    let current: Scope = scope;
    for (;;) {
      switch (current.kind) {
        case 'module':
          return inFunction ? 'later' : 'now';
        case 'function':
          if (current.globals.has(name)) {
            return 'later';
          }
          if (current.locals.has(name)) {
            return 'local';
          }
          inFunction = true;
          break;
        case 'class':
          // A class body's names are not visible from the methods inside it.
          if (!inFunction && current.locals.has(name)) {
            return 'local';
          }
          break;
        case 'comprehension':
          if (current.locals.has(name)) {
            return 'local';
          }
      }
      current = current.parent;
    }
  }

  protected read(node: SyntaxNode, scope: Scope): void {
    const name = this.text(node);
    const where = this.resolve(name, scope);
    const line = this.line(node.from);
    if (where === 'later') {
      this.deferred.push({ name, line });
      if (this.topDef) {
        this.facts.functionUses.get(this.topDef)?.add(name);
      }
      if (this.isSure(name)) {
        this.deferred.pop();
      }
    } else if (where === 'now') {
      this.mention(name);
      if (this.isSure(name)) {
        return;
      }
      this.addUse(name, line, this.facts.maybe.has(name));
    }
  }

  protected bind(name: string, scope: Scope, node: SyntaxNode): void {
    if (scope.kind === 'function') {
      if (scope.globals.has(name)) {
        this.deferredChanges.add(name);
      }
      return;
    }
    if (scope.kind !== 'module') {
      scope.locals.add(name);
      return;
    }
    this.mention(name);
    this.everBound.add(name);
    this.facts.deleted.delete(name);
    if (this.depth === 0) {
      this.facts.definite.add(name);
    } else if (!this.facts.definite.has(name)) {
      this.facts.passThrough.add(name);
      this.facts.maybe.add(name);
      this.blocks[this.blocks.length - 1]?.add(name);
    }
  }

  /** Walrus binds in the nearest scope that is not a comprehension. */
  protected bindWalrus(name: string, scope: Scope, node: SyntaxNode): void {
    let target = scope;
    while (target.kind === 'comprehension') {
      target = target.parent;
    }
    if (target !== scope && target.kind === 'module') {
      this.depth++;
      this.bind(name, target, node);
      this.depth--;
    } else {
      this.bind(name, target, node);
    }
  }

  protected change(node: SyntaxNode, scope: Scope): void {
    const name = rootName(node, this.text);
    if (name === null) {
      return;
    }
    const where = this.resolve(name, scope);
    if (where === 'now') {
      this.facts.changes.add(name);
    } else if (where === 'later') {
      this.deferredChanges.add(name);
    }
  }
}
