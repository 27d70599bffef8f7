/**
 * The compiler: a step graph (from the analysis) -> KFP v2 pipeline IR.
 * Pure and deterministic: the same graph gives the same bytes.
 */
import { stringify } from 'yaml';
import { PipelineGraph } from '../types';
import { buildPipelineSpec } from './pipeline';
import { buildPlatformSpec } from './platform';
import { validateGraph } from './validate';

export { CompileError } from './errors';
export type { CompileErrorPlace } from './errors';
export { DEFAULT_IMAGE } from './pipeline';
export { PYTHON, METRICS_OUTPUT } from './program';

/** The `sdkVersion` the IR carries unless the caller says otherwise. */
export const DEFAULT_SDK_VERSION = 'jupyterlab-kubeflow-0.1.0';

export interface CompileOptions {
  sdkVersion?: string;
}

export interface CompiledPipeline {
  pipelineSpec: object;
  platformSpec: object | null;
  /** One YAML document, or two (`---`) when there is a platform document. */
  yaml: string;
}

/**
 * Keys sorted (as kfp's compiler writes them); no anchors; no folding;
 * YAML 1.1 quoting so PyYAML and Go readers never take "yes" for a bool.
 */
const YAML_OPTIONS = {
  sortMapEntries: true,
  aliasDuplicateObjects: false,
  lineWidth: 0,
  version: '1.1'
} as const;

export function compilePipeline(
  graph: PipelineGraph,
  options: CompileOptions = {}
): CompiledPipeline {
  validateGraph(graph);
  const pipelineSpec = buildPipelineSpec(graph, options.sdkVersion ?? DEFAULT_SDK_VERSION);
  const platformSpec = buildPlatformSpec(graph);
  let yaml = stringify(pipelineSpec, YAML_OPTIONS);
  if (platformSpec) {
    yaml += '---\n' + stringify(platformSpec, YAML_OPTIONS);
  }
  return { pipelineSpec, platformSpec, yaml };
}
