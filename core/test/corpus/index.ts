/** Every corpus file, each case named `file: case`. */
import type { CorpusCase } from './runner';
import assignments from './assignments.json';
import mutations from './mutations.json';
import scopes from './scopes.json';

const FILES: { [file: string]: unknown } = { assignments, mutations, scopes };

export const CORPUS: Array<[string, CorpusCase]> = Object.entries(FILES).flatMap(([file, cases]) =>
  (cases as CorpusCase[]).map((c): [string, CorpusCase] => [`${file}: ${c.name}`, c])
);
