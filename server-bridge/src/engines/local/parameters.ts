/**
 * Run parameters checked against the pipeline's declared types before a
 * run starts, so a bad value is a 400 naming `parameters.<name>` and not a
 * step that fails minutes later. Values may come as JSON values (the API)
 * or as text (`--param n_rows=10` on the command line); the result is the
 * typed JSON value, defaults filled in.
 */
import type { PipelinePlan, ParameterType } from './ir';
import { EngineError } from './types';

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

const TYPE_NAMES: { [t in ParameterType]: string } = {
  NUMBER_INTEGER: 'an integer',
  NUMBER_DOUBLE: 'a number',
  STRING: 'a string',
  BOOLEAN: 'true or false',
  LIST: 'a list',
  STRUCT: 'a dict (JSON object)'
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The typed value, or undefined when `value` does not fit `type`. */
export function coerceParameter(value: unknown, type: ParameterType): unknown {
  switch (type) {
    case 'STRING':
      return typeof value === 'string' ? value : undefined;
    case 'NUMBER_INTEGER': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'NUMBER_DOUBLE': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
    }
    case 'BOOLEAN': {
      if (typeof value === 'boolean') {
        return value;
      }
      const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
      return TRUE_WORDS.includes(word) ? true : FALSE_WORDS.includes(word) ? false : undefined;
    }
    case 'LIST': {
      const v = typeof value === 'string' ? parseJson(value) : value;
      return Array.isArray(v) ? v : undefined;
    }
    case 'STRUCT': {
      const v = typeof value === 'string' ? parseJson(value) : value;
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
    }
  }
  return undefined;
}

export function checkParameters(
  plan: PipelinePlan,
  given: { [name: string]: unknown }
): { [name: string]: unknown } {
  const declared = Object.keys(plan.parameters);
  const values: { [name: string]: unknown } = {};
  for (const [name, value] of Object.entries(given)) {
    const def = plan.parameters[name];
    if (!def) {
      const known = declared.length ? `its parameters are ${declared.join(', ')}` : 'it has no parameters';
      throw new EngineError(`unknown parameter ${name}: ${known}`, 400, `parameters.${name}`);
    }
    const typed = coerceParameter(value, def.type);
    if (typed === undefined) {
      throw new EngineError(
        `parameter ${name} must be ${TYPE_NAMES[def.type] ?? def.type}, not ${JSON.stringify(value)}`,
        400,
        `parameters.${name}`
      );
    }
    values[name] = typed;
  }
  for (const [name, def] of Object.entries(plan.parameters)) {
    if (!(name in values)) {
      if (def.default === undefined) {
        throw new EngineError(`parameter ${name} has no default: give a value`, 400, `parameters.${name}`);
      }
      values[name] = def.default;
    }
  }
  return values;
}
