/**
 * The run parameters form's values: text (or a checkbox for bool) in,
 * typed JSON values out, checked against the types the parameters cell
 * declares, so a bad value is named before anything is sent. The bridge
 * checks again; this is for the user's sake.
 */
import type { ParameterType, PipelineParameter } from '../../../core/src/types';

/** What the form holds for one parameter: text, or a boolean for `bool`. */
export type FieldValue = string | boolean;

/** The form's starting value for a parameter: its default from the cell. */
export function initialValue(param: Pick<PipelineParameter, 'type' | 'default'>): FieldValue {
  const value = param.default;
  switch (param.type) {
    case 'bool':
      return value === true;
    case 'str':
      return typeof value === 'string' ? value : '';
    case 'list':
    case 'dict':
      return value === undefined ? '' : JSON.stringify(value);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

const TYPE_NAMES: { [t in ParameterType]: string } = {
  int: 'an integer',
  float: 'a number',
  str: 'a string',
  bool: 'true or false',
  list: 'a list (JSON, e.g. [1, 2])',
  dict: 'a dict (JSON, e.g. {"a": 1})'
};

export type Converted = { ok: true; value: unknown } | { ok: false; error: string };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One field's typed value, or an error naming the parameter and the value. */
export function convertValue(name: string, type: ParameterType, input: FieldValue): Converted {
  const fail = (): Converted => ({
    ok: false,
    error: `${name} must be ${TYPE_NAMES[type]}, not ${JSON.stringify(input)}`
  });
  if (type === 'bool') {
    if (typeof input === 'boolean') {
      return { ok: true, value: input };
    }
    const word = input.trim().toLowerCase();
    return word === 'true' ? { ok: true, value: true } : word === 'false' ? { ok: true, value: false } : fail();
  }
  const text = String(input);
  switch (type) {
    case 'str':
      return { ok: true, value: text };
    case 'int': {
      const t = text.trim();
      const n = Number(t);
      return /^[+-]?\d+$/.test(t) && Number.isSafeInteger(n) ? { ok: true, value: n } : fail();
    }
    case 'float': {
      const t = text.trim();
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? { ok: true, value: n } : fail();
    }
    case 'list': {
      const v = parseJson(text);
      return Array.isArray(v) ? { ok: true, value: v } : fail();
    }
    case 'dict': {
      const v = parseJson(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ok: true, value: v } : fail();
    }
  }
  return fail();
}

export interface IConvertedForm {
  values: { [name: string]: unknown };
  /** Error message by parameter name; empty when every value is fine. */
  errors: { [name: string]: string };
}

/** Every field of the form, converted; `errors` names each bad one. */
export function convertForm(
  params: readonly Pick<PipelineParameter, 'name' | 'type'>[],
  inputs: { [name: string]: FieldValue }
): IConvertedForm {
  const values: { [name: string]: unknown } = {};
  const errors: { [name: string]: string } = {};
  for (const param of params) {
    const input = inputs[param.name] ?? (param.type === 'bool' ? false : '');
    const result = convertValue(param.name, param.type, input);
    if (result.ok) {
      values[param.name] = result.value;
    } else {
      errors[param.name] = result.error;
    }
  }
  return { values, errors };
}
