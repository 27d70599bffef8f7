/**
 * Step graph -> PipelineSpec (KFP IR schema 2.1.0): one task, one component
 * and one container executor per step. Names come from names.ts only.
 */
import { componentName, executorName, pipelineName, taskName } from '../names';
import { ParameterType, PipelineGraph, PipelineStep } from '../types';
import { CompileError } from './errors';
import { MAX_PROGRAM_BYTES, METRICS_OUTPUT, stepProgram } from './program';
import { allSteps, dependencies } from './validate';

/** Image of a step that sets none, in a notebook that sets none. */
export const DEFAULT_IMAGE = 'python:3.11-slim';
export const DEFAULT_GPU_TYPE = 'nvidia.com/gpu';
/** KFP SDK's `set_retry` defaults: retry at once, then back off. */
export const RETRY_BACKOFF = { backoffDuration: '0s', backoffFactor: 2, backoffMaxDuration: '3600s' };

const PARAMETER_TYPES: { [t in ParameterType]: string } = {
  int: 'NUMBER_INTEGER',
  float: 'NUMBER_DOUBLE',
  str: 'STRING',
  bool: 'BOOLEAN',
  list: 'LIST',
  dict: 'STRUCT'
};

type Json = { [key: string]: unknown };

function artifactType(schemaTitle: string): Json {
  return { artifactType: { schemaTitle, schemaVersion: '0.0.1' } };
}

/** A map built from names, omitted (undefined) when empty. */
function mapOf(names: string[], value: (name: string) => unknown): Json | undefined {
  if (names.length === 0) {
    return undefined;
  }
  return Object.fromEntries(names.map(name => [name, value(name)]));
}

/** Drops undefined members so the YAML has no empty keys. */
function compact(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

function task(step: PipelineStep): Json {
  const retries = step.settings.retries ?? 0;
  const deps = dependencies(step).map(taskName);
  return compact({
    taskInfo: { name: taskName(step.name) },
    componentRef: { name: componentName(step.name) },
    dependentTasks: deps.length ? deps : undefined,
    cachingOptions: { enableCache: step.settings.cache ?? true },
    retryPolicy: retries > 0 ? { maxRetryCount: retries, ...RETRY_BACKOFF } : undefined,
    inputs: inputsOrUndefined({
      parameters: mapOf(step.parameters, p => ({ componentInputParameter: p })),
      artifacts: mapOf(step.inputs, x => ({
        taskOutputArtifact: {
          producerTask: taskName(step.sources[x]),
          outputArtifactKey: x
        }
      }))
    })
  });
}

function inputsOrUndefined(obj: Json): Json | undefined {
  const kept = compact(obj);
  return Object.keys(kept).length ? kept : undefined;
}

function component(graph: PipelineGraph, step: PipelineStep, isMetrics: boolean): Json {
  const types = new Map(graph.parameters.map(p => [p.name, p.type]));
  const outputs = mapOf(step.outputs, () => artifactType('system.Artifact')) ?? {};
  if (isMetrics) {
    outputs[METRICS_OUTPUT] = artifactType('system.Metrics');
  }
  return compact({
    executorLabel: executorName(step.name),
    inputDefinitions: inputsOrUndefined({
      parameters: mapOf(step.parameters, p => ({ parameterType: PARAMETER_TYPES[types.get(p)!] })),
      artifacts: mapOf(step.inputs, () => artifactType('system.Artifact'))
    }),
    outputDefinitions: Object.keys(outputs).length ? { artifacts: outputs } : undefined
  });
}

/** UTF-8 size without TextEncoder (core's lib is plain ES2022). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function executor(graph: PipelineGraph, step: PipelineStep, isMetrics: boolean): Json {
  const { command, args, program } = stepProgram(graph, step, isMetrics ? graph.metrics : []);
  const bytes = utf8Length(program);
  if (bytes > MAX_PROGRAM_BYTES) {
    throw new CompileError(
      `step ${step.name}: its program is ${bytes} bytes, over the ${MAX_PROGRAM_BYTES} ` +
        'a command-line argument may hold; move code into a functions cell or a module',
      { step: step.name }
    );
  }
  const s = step.settings;
  const r = s.resources ?? {};
  const resources = compact({
    resourceCpuRequest: r.cpuRequest,
    resourceCpuLimit: r.cpuLimit,
    resourceMemoryRequest: r.memoryRequest,
    resourceMemoryLimit: r.memoryLimit,
    accelerator: s.gpu
      ? { resourceType: s.gpu.type ?? DEFAULT_GPU_TYPE, resourceCount: String(s.gpu.count) }
      : undefined
  });
  return {
    container: compact({
      image: s.image ?? graph.pipeline.image ?? DEFAULT_IMAGE,
      command,
      args: args.length ? args : undefined,
      resources: Object.keys(resources).length ? resources : undefined
    })
  };
}

export function buildPipelineSpec(graph: PipelineGraph, sdkVersion: string): Json {
  const steps = allSteps(graph);
  const isMetrics = (step: PipelineStep) => step === graph.metricsStep;
  const name = pipelineName(graph.pipeline.name);
  return {
    pipelineInfo: compact({
      name,
      displayName: graph.pipeline.name !== name ? graph.pipeline.name : undefined,
      description: graph.pipeline.description || undefined
    }),
    schemaVersion: '2.1.0',
    sdkVersion,
    root: compact({
      inputDefinitions: inputsOrUndefined({
        parameters: mapOf(
          graph.parameters.map(p => p.name),
          n => {
            const p = graph.parameters.find(q => q.name === n)!;
            return { parameterType: PARAMETER_TYPES[p.type], defaultValue: p.default, isOptional: true };
          }
        )
      }),
      dag: { tasks: Object.fromEntries(steps.map(s => [taskName(s.name), task(s)])) }
    }),
    components: Object.fromEntries(
      steps.map(s => [componentName(s.name), component(graph, s, isMetrics(s))])
    ),
    deploymentSpec: {
      executors: Object.fromEntries(
        steps.map(s => [executorName(s.name), executor(graph, s, isMetrics(s))])
      )
    }
  };
}
