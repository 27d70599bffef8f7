/**
 * Run options that KFP has no API field for and that live in the IR
 * instead. Caching is per task (`cachingOptions.enableCache`), so a run
 * without cache uploads an IR whose tasks all say so.
 */
import { parseAllDocuments, stringify } from 'yaml';

type Obj = { [key: string]: unknown };

export function withoutCache(yaml: string): string {
  const docs = parseAllDocuments(yaml).map(d => d.toJS() as Obj);
  const spec = docs[0];
  const dag = ((spec.root as Obj | undefined)?.dag as Obj | undefined) ?? {};
  for (const task of Object.values((dag.tasks as { [name: string]: Obj } | undefined) ?? {})) {
    task.cachingOptions = { enableCache: false };
  }
  return docs
    .map(d => stringify(d, { sortMapEntries: true, aliasDuplicateObjects: false, lineWidth: 0, version: '1.1' }))
    .join('---\n');
}
