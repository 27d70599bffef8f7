/** Every corpus file, each case named `file: case`. */
import type { CorpusCase } from './runner';
import assignments from './assignments.json';
import control from './control.json';
import kale from './kale.json';
import mutations from './mutations.json';
import parameters from './parameters.json';
import problems from './problems.json';
import roles from './roles.json';
import scopes from './scopes.json';

const FILES: { [file: string]: unknown } = {
  assignments, mutations, scopes, control, roles, parameters, problems, kale
};

export const CORPUS: Array<[string, CorpusCase]> = Object.entries(FILES).flatMap(([file, cases]) =>
  (cases as CorpusCase[]).map((c): [string, CorpusCase] => [`${file}: ${c.name}`, c])
);
