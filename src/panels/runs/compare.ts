/** Two runs side by side: one row per parameter and per metric either run has. */
import type { RunWire } from '../../../core/src/protocol';

export interface ICompareRow {
  kind: 'parameter' | 'metric';
  name: string;
  /** Values as shown (JSON for lists and dicts), '' when the run has none. */
  a: string;
  b: string;
  differs: boolean;
}

export function showValue(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function rows(kind: ICompareRow['kind'], a: { [k: string]: unknown }, b: { [k: string]: unknown }): ICompareRow[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.map(name => {
    const va = showValue(a[name]);
    const vb = showValue(b[name]);
    return { kind, name, a: va, b: vb, differs: va !== vb };
  });
}

/** Parameters first, then metrics, each sorted by name. */
export function compareRuns(a: RunWire, b: RunWire): ICompareRow[] {
  return [...rows('parameter', a.parameters, b.parameters), ...rows('metric', a.metrics ?? {}, b.metrics ?? {})];
}
