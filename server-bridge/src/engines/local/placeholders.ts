/**
 * KFP placeholders resolved against a local pipeline root, laid out as
 * `<root>/<task>/<output>` (the run's folder is the root): an artifact is
 * that directory; an output parameter is a file under `<task>/.parameters/`
 * and the executor output `<task>/.executor_output.json` (dot names cannot
 * clash with an output, which is a Python name).
 *
 * Values are rendered and read back as KFP's launcher does, so a step sees
 * the same text locally and on a cluster.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ParameterType, TaskPlan } from './ir';

/** KFP's limit on an output parameter file. */
export const MAX_OUTPUT_PARAMETER_BYTES = 10_000;

export const artifactPath = (root: string, task: string, name: string) => join(root, task, name);
export const outputParameterPath = (root: string, task: string, name: string) =>
  join(root, task, '.parameters', name);
export const executorOutputPath = (root: string, task: string) => join(root, task, '.executor_output.json');

/** A parameter value as KFP renders it into a command-line placeholder. */
export function renderParameter(value: unknown, type: ParameterType | undefined): string {
  if (typeof value === 'string' && (type === 'STRING' || type === undefined)) {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface ResolvedTask {
  args: string[];
  outputArtifacts: { [name: string]: string };
  outputParameters: { [name: string]: string };
  executorOutput: string;
  /** Rendered input parameter values (also what the cache key hashes). */
  parameterText: { [name: string]: string };
}

export class PlaceholderError extends Error {}

const PLACEHOLDER =
  /\{\{\$(?:\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\](?:\.(path|uri|output_file|metadata))?)?\}\}/g;

/**
 * Every placeholder in the task's args, given its input values (JSON) and
 * the paths of its input artifacts. Creates the output folders' parents.
 */
export function resolveTask(
  task: TaskPlan,
  root: string,
  parameterValues: { [name: string]: unknown },
  inputArtifacts: { [name: string]: string }
): ResolvedTask {
  const parameterText: { [name: string]: string } = {};
  for (const [name, value] of Object.entries(parameterValues)) {
    parameterText[name] = renderParameter(value, task.parameterTypes[name]);
  }
  const outputArtifacts: { [name: string]: string } = {};
  for (const name of Object.keys(task.outputArtifacts)) {
    outputArtifacts[name] = artifactPath(root, task.name, name);
    mkdirSync(dirname(outputArtifacts[name]), { recursive: true });
  }
  const outputParameters: { [name: string]: string } = {};
  for (const name of Object.keys(task.outputParameters)) {
    outputParameters[name] = outputParameterPath(root, task.name, name);
    mkdirSync(dirname(outputParameters[name]), { recursive: true });
  }
  const executorOutput = executorOutputPath(root, task.name);
  mkdirSync(dirname(executorOutput), { recursive: true });
  const executorInput = () =>
    JSON.stringify({
      inputs: {
        parameterValues: parameterValues,
        artifacts: Object.fromEntries(
          Object.entries(inputArtifacts).map(([n, p]) => [n, { artifacts: [{ name: n, uri: p, metadata: {} }] }])
        )
      },
      outputs: {
        parameters: Object.fromEntries(Object.entries(outputParameters).map(([n, p]) => [n, { outputFile: p }])),
        artifacts: Object.fromEntries(
          Object.entries(outputArtifacts).map(([n, p]) => [
            n,
            { artifacts: [{ name: n, uri: p, metadata: {}, type: { schemaTitle: task.outputArtifacts[n] } }] }
          ])
        ),
        outputFile: executorOutput
      }
    });

  const resolve = (whole: string, io?: string, kind?: string, name?: string, attr?: string): string => {
    const fail = (why: string): never => {
      throw new PlaceholderError(`task ${task.name}: placeholder ${whole}: ${why}`);
    };
    if (io === undefined) {
      return executorInput();
    }
    if (io === 'inputs' && kind === 'parameters' && attr === undefined) {
      return name! in parameterText ? parameterText[name!] : fail('no such input parameter');
    }
    if (io === 'inputs' && kind === 'artifacts') {
      const path = inputArtifacts[name!] ?? fail('no such input artifact');
      return attr === 'metadata' ? '{}' : path;
    }
    if (io === 'outputs' && kind === 'artifacts' && (attr === 'path' || attr === 'uri')) {
      return outputArtifacts[name!] ?? fail('no such output artifact');
    }
    if (io === 'outputs' && kind === 'parameters' && attr === 'output_file') {
      return outputParameters[name!] ?? fail('no such output parameter');
    }
    return fail('not supported by the local engine');
  };
  const args = task.args.map(arg =>
    arg.replace(PLACEHOLDER, (whole, io, kind, name, attr) => resolve(whole, io, kind, name, attr))
  );
  return { args, outputArtifacts, outputParameters, executorOutput, parameterText };
}

/**
 * An output parameter's file as KFP reads it: raw text for STRING, parsed
 * as number, bool or JSON otherwise; at most 10,000 bytes.
 */
export function readOutputParameter(path: string, type: ParameterType, name: string): unknown {
  if (!existsSync(path)) {
    throw new PlaceholderError(`output parameter ${name} was not written (${path})`);
  }
  if (statSync(path).size > MAX_OUTPUT_PARAMETER_BYTES) {
    throw new PlaceholderError(`output parameter ${name} is over ${MAX_OUTPUT_PARAMETER_BYTES} bytes`);
  }
  const text = readFileSync(path, 'utf-8');
  if (type === 'STRING') {
    return text;
  }
  const fail = (): never => {
    throw new PlaceholderError(`output parameter ${name} (${type}): cannot read ${JSON.stringify(text.slice(0, 80))}`);
  };
  const trimmed = text.trim();
  if (type === 'BOOLEAN') {
    return trimmed === 'true' ? true : trimmed === 'false' ? false : fail();
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return fail();
  }
  const ok =
    (type === 'NUMBER_INTEGER' && Number.isInteger(value)) ||
    (type === 'NUMBER_DOUBLE' && typeof value === 'number') ||
    (type === 'LIST' && Array.isArray(value)) ||
    (type === 'STRUCT' && typeof value === 'object' && value !== null && !Array.isArray(value));
  return ok ? value : fail();
}
