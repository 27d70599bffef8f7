/**
 * KFP v2 IR (a PipelineSpec, as core's compilePipeline returns it or as
 * YAML text) -> a task plan the scheduler can walk. Only what a local run
 * needs is read; anything the engine cannot honour (a nested DAG, an
 * importer, a component input artifact) is refused here, before a run
 * starts, with the task and field named.
 */
import { parseAllDocuments } from 'yaml';
import { EngineError } from './types';

export type ParameterType = 'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'STRING' | 'BOOLEAN' | 'LIST' | 'STRUCT';

export type ParameterSource =
  | { kind: 'component'; name: string }
  | { kind: 'task'; task: string; key: string }
  | { kind: 'constant'; value: unknown };

export interface RetryPolicy {
  maxRetryCount: number;
  backoffSeconds: number;
  backoffFactor: number;
  backoffMaxSeconds: number;
}

export interface TaskPlan {
  name: string;
  dependencies: string[];
  parameters: { [name: string]: ParameterSource };
  parameterTypes: { [name: string]: ParameterType };
  artifacts: { [name: string]: { task: string; key: string } };
  outputArtifacts: { [name: string]: string };
  outputParameters: { [name: string]: ParameterType };
  enableCache: boolean;
  retry: RetryPolicy | null;
  command: string[];
  args: string[];
  env: { [name: string]: string };
  image: string | null;
}

export interface PipelineParameterPlan {
  type: ParameterType;
  default?: unknown;
  optional: boolean;
}

export interface PipelinePlan {
  name: string;
  parameters: { [name: string]: PipelineParameterPlan };
  /** Topological order (dependencies first), ties in IR order. */
  tasks: TaskPlan[];
}

type Obj = { [key: string]: unknown };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, where: string): Obj {
  if (v === undefined) {
    return {};
  }
  if (!isObj(v)) {
    throw bad(`${where} must be a mapping`);
  }
  return v;
}

const bad = (message: string) => new EngineError(`pipeline IR: ${message}`, 400, 'pipeline');

/** The PipelineSpec object from YAML text (the first document) or as given. */
export function pipelineSpecOf(input: object | string): Obj {
  if (typeof input !== 'string') {
    return input as Obj;
  }
  const docs = parseAllDocuments(input);
  const first = Array.isArray(docs) ? docs[0] : undefined;
  if (!first || first.errors.length) {
    throw bad(first?.errors[0]?.message ?? 'no YAML document');
  }
  return obj(first.toJS(), 'the document');
}

/** Protobuf Duration JSON ("0s", "1.5s"), plus m/h for hand-written IR. */
export function durationSeconds(text: unknown, where: string): number {
  if (text === undefined) {
    return 0;
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(text));
  if (!m) {
    throw bad(`${where}: ${JSON.stringify(text)} is not a duration`);
  }
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export function readPipeline(input: object | string): PipelinePlan {
  const spec = pipelineSpecOf(input);
  const root = obj(spec.root, 'root');
  const dag = obj(root.dag, 'root.dag');
  const components = obj(spec.components, 'components');
  const executors = obj(obj(spec.deploymentSpec, 'deploymentSpec').executors, 'deploymentSpec.executors');
  const parameters: PipelinePlan['parameters'] = {};
  for (const [name, def] of Object.entries(obj(obj(root.inputDefinitions, 'root.inputDefinitions').parameters, 'root.inputDefinitions.parameters'))) {
    const d = obj(def, `root parameter ${name}`);
    parameters[name] = {
      type: String(d.parameterType) as ParameterType,
      default: d.defaultValue,
      optional: Boolean(d.isOptional) || d.defaultValue !== undefined
    };
  }
  const tasks = Object.entries(obj(dag.tasks, 'root.dag.tasks')).map(([name, raw]) =>
    readTask(name, obj(raw, `task ${name}`), components, executors)
  );
  return { name: String(obj(spec.pipelineInfo, 'pipelineInfo').name ?? 'pipeline'), parameters, tasks: topological(tasks) };
}

function readTask(name: string, task: Obj, components: Obj, executors: Obj): TaskPlan {
  const at = (field: string) => `task ${name}: ${field}`;
  const componentName = String(obj(task.componentRef, at('componentRef')).name);
  const component = obj(components[componentName], at(`component ${componentName}`));
  if (component.dag !== undefined) {
    throw bad(at('nested pipelines (sub-DAGs) are not supported by the local engine'));
  }
  const label = String(component.executorLabel);
  const executor = obj(executors[label], at(`executor ${label}`));
  const container = obj(executor.container, at(`executor ${label} has no container`));
  if (!Array.isArray(container.command) || container.command.length === 0) {
    throw bad(at(`executor ${label} has no command`));
  }
  const inputs = obj(task.inputs, at('inputs'));
  const parameters: TaskPlan['parameters'] = {};
  for (const [p, raw] of Object.entries(obj(inputs.parameters, at('inputs.parameters')))) {
    const src = obj(raw, at(`inputs.parameters.${p}`));
    if (typeof src.componentInputParameter === 'string') {
      parameters[p] = { kind: 'component', name: src.componentInputParameter };
    } else if (isObj(src.taskOutputParameter)) {
      const t = src.taskOutputParameter;
      parameters[p] = { kind: 'task', task: String(t.producerTask), key: String(t.outputParameterKey) };
    } else if (isObj(src.runtimeValue) && 'constant' in src.runtimeValue) {
      parameters[p] = { kind: 'constant', value: src.runtimeValue.constant };
    } else {
      throw bad(at(`inputs.parameters.${p}: unsupported source ${Object.keys(src).join(', ')}`));
    }
  }
  const artifacts: TaskPlan['artifacts'] = {};
  for (const [a, raw] of Object.entries(obj(inputs.artifacts, at('inputs.artifacts')))) {
    const src = obj(obj(raw, at(`inputs.artifacts.${a}`)).taskOutputArtifact, at(`inputs.artifacts.${a} (only taskOutputArtifact is supported)`));
    artifacts[a] = { task: String(src.producerTask), key: String(src.outputArtifactKey) };
  }
  const inputDefs = obj(obj(component.inputDefinitions, at('inputDefinitions')).parameters, at('inputDefinitions.parameters'));
  const outputDefs = obj(component.outputDefinitions, at('outputDefinitions'));
  const retry = task.retryPolicy === undefined ? null : obj(task.retryPolicy, at('retryPolicy'));
  const deps = new Set<string>((task.dependentTasks as string[] | undefined) ?? []);
  Object.values(artifacts).forEach(a => deps.add(a.task));
  Object.values(parameters).forEach(p => p.kind === 'task' && deps.add(p.task));
  const env: { [name: string]: string } = {};
  for (const e of (container.env as Obj[] | undefined) ?? []) {
    env[String(e.name)] = String(e.value ?? '');
  }
  return {
    name,
    dependencies: [...deps].sort(),
    parameters,
    parameterTypes: Object.fromEntries(
      Object.entries(inputDefs).map(([p, d]) => [p, String(obj(d, at(`input ${p}`)).parameterType) as ParameterType])
    ),
    artifacts,
    outputArtifacts: Object.fromEntries(
      Object.entries(obj(outputDefs.artifacts, at('outputDefinitions.artifacts'))).map(([a, d]) => [
        a,
        String(obj(obj(d, at(`output ${a}`)).artifactType, at(`output ${a}`)).schemaTitle ?? 'system.Artifact')
      ])
    ),
    outputParameters: Object.fromEntries(
      Object.entries(obj(outputDefs.parameters, at('outputDefinitions.parameters'))).map(([p, d]) => [
        p,
        String(obj(d, at(`output ${p}`)).parameterType) as ParameterType
      ])
    ),
    enableCache: obj(task.cachingOptions, at('cachingOptions')).enableCache !== false,
    retry: retry && Number(retry.maxRetryCount) > 0
      ? {
          maxRetryCount: Number(retry.maxRetryCount),
          backoffSeconds: durationSeconds(retry.backoffDuration, at('retryPolicy.backoffDuration')),
          backoffFactor: Number(retry.backoffFactor ?? 2),
          backoffMaxSeconds: durationSeconds(retry.backoffMaxDuration ?? '3600s', at('retryPolicy.backoffMaxDuration'))
        }
      : null,
    command: container.command.map(String),
    args: ((container.args as unknown[] | undefined) ?? []).map(String),
    env,
    image: typeof container.image === 'string' ? container.image : null
  };
}

/** Kahn's algorithm, ties in IR order; a cycle or unknown task is refused. */
function topological(tasks: TaskPlan[]): TaskPlan[] {
  const byName = new Map(tasks.map(t => [t.name, t]));
  for (const t of tasks) {
    for (const d of t.dependencies) {
      if (!byName.has(d)) {
        throw bad(`task ${t.name} depends on unknown task ${d}`);
      }
    }
  }
  const done = new Set<string>();
  const order: TaskPlan[] = [];
  while (order.length < tasks.length) {
    const next = tasks.find(t => !done.has(t.name) && t.dependencies.every(d => done.has(d)));
    if (!next) {
      throw bad(`tasks depend on each other: ${tasks.filter(t => !done.has(t.name)).map(t => t.name).join(', ')}`);
    }
    done.add(next.name);
    order.push(next);
  }
  return order;
}
