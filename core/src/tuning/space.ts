/**
 * Search spaces from what the user already wrote: defaultSpace reads the
 * parameters cell (each literal is the default, a range is made around it),
 * parseSpaceArg reads `kubeflow-bridge tune --space` arguments, and
 * trialValue turns a sampled value back into the parameter's own type.
 */
import type { PipelineGraph, PipelineParameter } from '../types';
import type { SearchParameter } from './spec';

/**
 * A first space from the parameters cell, for the user to edit: a positive
 * float gets a log range of a decade either side (learning rates, alphas),
 * a positive int half to double (sizes, counts), zero or a negative value
 * a linear range, a bool both values, a str its own value (add the others).
 * Lists and dicts are not tunable and are left out.
 */
export function defaultSpace(graph: Pick<PipelineGraph, 'parameters'>): SearchParameter[] {
  return graph.parameters.flatMap((p): SearchParameter[] => {
    const v = p.default;
    switch (p.type) {
      case 'float': {
        const x = v as number;
        if (x > 0) {
          return [{ name: p.name, type: 'double', min: tidy(x / 10), max: tidy(x * 10), log: true, default: x }];
        }
        return [{ name: p.name, type: 'double', min: x === 0 ? -1 : tidy(x * 10), max: x === 0 ? 1 : tidy(x / 10), default: x }];
      }
      case 'int': {
        const n = v as number;
        if (n > 0) {
          return [{ name: p.name, type: 'int', min: Math.max(1, Math.ceil(n / 2)), max: Math.max(2, n * 2), default: n }];
        }
        return [{ name: p.name, type: 'int', min: n === 0 ? 0 : n * 2, max: n === 0 ? 10 : Math.floor(n / 2), default: n }];
      }
      case 'bool':
        return [{ name: p.name, type: 'categorical', list: [String(v), String(!v)], default: v }];
      case 'str':
        return [{ name: p.name, type: 'categorical', list: [v as string], default: v }];
      default:
        return [];
    }
  });
}

const tidy = (x: number) => Number(x.toPrecision(10));

export class SpaceSyntaxError extends Error {}

const FORMS = 'uniform:LO:HI, loguniform:LO:HI, int:LO:HI[:STEP], choice:A,B,C';

/**
 * `name=uniform:lo:hi` | `loguniform:lo:hi` | `int:lo:hi[:step]` |
 * `choice:a,b,c` -> a search parameter. A choice of numbers only is
 * `discrete`, anything else `categorical` (values kept as text). Ranges are
 * not checked here (validateStudy does, at the field).
 */
export function parseSpaceArg(text: string): SearchParameter {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new SpaceSyntaxError(`--space ${text}: expected NAME=FORM with FORM one of ${FORMS}`);
  }
  const name = text.slice(0, at).trim();
  const form = text.slice(at + 1);
  const colon = form.indexOf(':');
  const kind = colon < 0 ? form : form.slice(0, colon);
  const rest = colon < 0 ? '' : form.slice(colon + 1);
  const number = (s: string, what: string) => {
    const n = s.trim() === '' ? NaN : Number(s);
    if (!Number.isFinite(n)) {
      throw new SpaceSyntaxError(`--space ${text}: ${what} ${JSON.stringify(s)} is not a number`);
    }
    return n;
  };
  const range = (count: number[]) => {
    const parts = rest.split(':');
    if (!count.includes(parts.length)) {
      throw new SpaceSyntaxError(`--space ${text}: expected ${kind}:LO:HI${kind === 'int' ? '[:STEP]' : ''}`);
    }
    return parts;
  };
  switch (kind) {
    case 'uniform':
    case 'loguniform': {
      const [lo, hi] = range([2]);
      return { name, type: 'double', min: number(lo, 'LO'), max: number(hi, 'HI'), ...(kind === 'loguniform' ? { log: true } : {}) };
    }
    case 'int': {
      const [lo, hi, step] = range([2, 3]);
      return { name, type: 'int', min: number(lo, 'LO'), max: number(hi, 'HI'), ...(step === undefined ? {} : { step: number(step, 'STEP') }) };
    }
    case 'choice': {
      const values = rest.split(',').map(v => v.trim());
      if (rest.trim() === '' || values.some(v => v === '')) {
        throw new SpaceSyntaxError(`--space ${text}: expected choice:A,B,C`);
      }
      const numeric = values.every(v => Number.isFinite(Number(v)));
      return numeric ? { name, type: 'discrete', list: values.map(Number) } : { name, type: 'categorical', list: values };
    }
    default:
      throw new SpaceSyntaxError(`--space ${text}: unknown form ${JSON.stringify(kind)} (expected ${FORMS})`);
  }
}

/**
 * A sampled value in the pipeline parameter's own type: categorical values
 * are text (as in Katib), so "true" becomes true for a bool parameter and
 * "32" becomes 32 for an int one. A value that does not convert is returned
 * as it is, and the engine's parameter check names it.
 */
export function trialValue(value: unknown, type: PipelineParameter['type'] | undefined): unknown {
  if (typeof value !== 'string') {
    return type === 'int' && typeof value === 'number' ? Math.round(value) : value;
  }
  if (type === 'int' || type === 'float') {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  if (type === 'bool') {
    return value === 'true' ? true : value === 'false' ? false : value;
  }
  return value;
}
