/**
 * The parameters cell: each top-level `NAME = literal` (or
 * `NAME: type = literal`) is a pipeline parameter, typed by its literal. The
 * cell's job is to declare defaults that a run or a tuning trial overrides,
 * so anything that is not such a literal is reported: a non-literal value is
 * an error naming the parameter; any other statement is a warning (it is not
 * a parameter, and an overridden run would not see it).
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import type { PipelineParameter, Problem } from '../types';
import { literalOf } from './literals';
import { children } from './syntax';

export function readParameters(
  code: string,
  tree: Tree,
  cell: number,
  line: (pos: number) => number
): { parameters: PipelineParameter[]; problems: Problem[] } {
  const text = (node: SyntaxNode) => code.slice(node.from, node.to);
  const parameters: PipelineParameter[] = [];
  const problems: Problem[] = [];
  for (const statement of children(tree.topNode)) {
    if (statement.type.isError || statement.name === 'Comment') {
      continue;
    }
    const where = `cell ${cell}, line ${line(statement.from)}`;
    if (statement.name !== 'AssignStatement') {
      const docstring = statement.name === 'ExpressionStatement' && statement.firstChild?.name === 'String';
      if (!docstring) {
        problems.push({
          severity: 'warning',
          cell,
          line: line(statement.from),
          message: `${where}: the parameters cell should hold only NAME = literal assignments; "${text(statement).split('\n')[0]}" is not a parameter`
        });
      }
      continue;
    }
    const items = children(statement).filter(child => child.name !== 'TypeDef');
    const [target, op, value, ...more] = items;
    if (target?.name !== 'VariableName' || op?.name !== 'AssignOp' || !value || more.length) {
      problems.push({
        severity: 'error',
        cell,
        line: line(statement.from),
        message: `${where}: "${text(statement).split('\n')[0]}" is not a parameter; write one NAME = literal per line`
      });
      continue;
    }
    const name = text(target);
    const literal = literalOf(value, text);
    if (!literal) {
      problems.push({
        severity: 'error',
        cell,
        name,
        line: line(statement.from),
        message: `${where}: parameter "${name}" is not a literal (${text(value).split('\n')[0]}); use an int, float, str, bool, or a list or dict of those`
      });
      continue;
    }
    const previous = parameters.findIndex(parameter => parameter.name === name);
    if (previous >= 0) {
      parameters.splice(previous, 1);
    }
    parameters.push({ name, type: literal.type, default: literal.value, cell });
  }
  return { parameters, problems };
}
