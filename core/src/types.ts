/**
 * The shared vocabulary of `core/`: notebook documents as nbformat 4 stores
 * them, the annotations this project writes, and the step graph that the
 * analysis produces and the compiler consumes.
 *
 * This file has no logic. Everything in `core/` is pure: no DOM, no Node
 * APIs, no I/O, so the extension (live, in the browser) and the bridge
 * (headless, in Node) run the very same code.
 */

import type { StudySpec } from './tuning/spec';

/** The metadata key under which each cell (and the notebook) keeps our data. */
export const METADATA_KEY = 'kubeflow';

/** Kale's notebook-level metadata key (read, never written). */
export const KALE_NOTEBOOK_KEY = 'kubeflow_notebook';

// ---------------------------------------------------------------------------
// nbformat 4, as much of it as we read

export type MultilineString = string | string[];

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineString;
  metadata: { [key: string]: unknown };
  id?: string;
}

export interface NotebookDocument {
  nbformat: number;
  nbformat_minor: number;
  metadata: { [key: string]: unknown };
  cells: NotebookCell[];
}

// ---------------------------------------------------------------------------
// Annotations (cell metadata under METADATA_KEY)

/** A role a cell can play instead of being (part of) a step. */
export type CellRole = 'imports' | 'functions' | 'parameters' | 'metrics' | 'skip';

export const CELL_ROLES: readonly CellRole[] = [
  'imports',
  'functions',
  'parameters',
  'metrics',
  'skip'
];

/** Kubernetes secret exposed to a step as an environment variable. */
export interface SecretEnv {
  /** Environment variable name inside the step. */
  env: string;
  /** Kubernetes Secret name. */
  secret: string;
  /** Key inside the Secret. */
  key: string;
}

/** CPU and memory in Kubernetes quantity syntax ("500m", "2", "1Gi"). */
export interface StepResources {
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
}

export interface StepGpu {
  /** Accelerator resource type, default "nvidia.com/gpu". */
  type?: string;
  count: number;
}

/** Per-step settings, stored beside the step annotation. */
export interface StepSettings {
  image?: string;
  resources?: StepResources;
  gpu?: StepGpu;
  /** Caching on (default) or off for this step. */
  cache?: boolean;
  /** How many times to retry a failed step (0 = never). */
  retries?: number;
  secrets?: SecretEnv[];
}

/** A cell that starts a step: `{"step": "train", "after": ["load"], ...settings}`. */
export interface StepAnnotation extends StepSettings {
  step: string;
  /** Explicit extra dependencies, by step name. */
  after?: string[];
}

/** A cell with a role: `{"role": "imports"}`. */
export interface RoleAnnotation {
  role: CellRole;
}

export type CellAnnotation = StepAnnotation | RoleAnnotation;

/** Notebook-wide settings (notebook metadata under METADATA_KEY). */
export interface PipelineSettings {
  name?: string;
  description?: string;
  experiment?: string;
  /** Default image for every step that does not set its own. */
  image?: string;
  target?: 'local' | 'kubeflow';
  /** The Tune view's study settings (core/src/tuning/spec.ts). */
  tuning?: StudySpec;
}

// ---------------------------------------------------------------------------
// Problems

export type Severity = 'error' | 'warning';

/**
 * Something wrong with the notebook, placed where it is.
 * `cell` counts every cell of the notebook from 0 (null: notebook-wide).
 */
export interface Problem {
  severity: Severity;
  cell: number | null;
  message: string;
  /** The step at fault, when there is one. */
  step?: string;
  /** The Python name at fault (an undefined variable, a parameter). */
  name?: string;
  /** The annotation or settings field at fault ("after", "resources.cpuLimit"). */
  field?: string;
  /** 1-based line within the cell, when the problem is in its code. */
  line?: number;
}

// ---------------------------------------------------------------------------
// The step graph (analysis -> compiler)

export type ParameterType = 'int' | 'float' | 'str' | 'bool' | 'list' | 'dict';

export interface PipelineParameter {
  name: string;
  type: ParameterType;
  /** The literal's value, as JSON. */
  default: unknown;
  cell: number;
}

/** Where a step input comes from. */
export type InputSource =
  | { kind: 'parameter' }
  | { kind: 'step'; step: string };

export interface PipelineStep {
  /** The name as the user wrote it (letters, digits, '-' and '_'). */
  name: string;
  /** Indices (into the notebook's cells) of the code cells of this step. */
  cells: number[];
  /** Names this step takes from earlier steps, sorted. */
  inputs: string[];
  /** Pipeline parameters this step uses, sorted. */
  parameters: string[];
  /** Where each input in `inputs` comes from. */
  sources: { [name: string]: string };
  /** Names this step hands to a later step (or to the metrics), sorted. */
  outputs: string[];
  /** Every step this one depends on (data edges plus explicit `after`), sorted. */
  after: string[];
  settings: StepSettings;
}

/** The result of analysing a notebook; input of the compiler. */
export interface PipelineGraph {
  /** Notebook-wide settings, with the pipeline name resolved. */
  pipeline: PipelineSettings & { name: string };
  parameters: PipelineParameter[];
  /** Metric names, in the order the metrics cell mentions them. */
  metrics: string[];
  /**
   * The metrics cell as a step of its own (named METRICS_STEP_NAME), run
   * last: its inputs are the names the metrics cell uses, and its program
   * reports every metric. Null when the notebook has no metrics cell.
   */
  metricsStep: PipelineStep | null;
  /** Cells with role `imports`, `functions`, `parameters`, `metrics`. */
  roleCells: { [role in Exclude<CellRole, 'skip'>]: number[] };
  /** Steps in notebook order. */
  steps: PipelineStep[];
  problems: Problem[];
  /**
   * Every cell's source as a single string, magics and shell lines as the
   * user wrote them (the compiler decides what a step program keeps).
   */
  sources: string[];
}
