/**
 * Where a run goes and in which experiment: the notebook's own settings
 * (`target`, `experiment` in its `kubeflow` metadata) first, else the user's
 * defaults from the settings registry. Pure functions; the Pipeline
 * section's selector and the Run dialog both use them, so they never
 * disagree.
 */
import { isObject } from '../../core/src/annotations';
import type { PipelineSettings } from '../../core/src/types';

export type Target = 'local' | 'kubeflow';

/** The settings-registry defaults (schema/plugin.json). */
export interface IRunDefaults {
  target: Target;
  /** Empty: the notebook's setting, else the pipeline name (the bridge's default). */
  experiment: string;
}

export const RUN_DEFAULTS: IRunDefaults = { target: 'local', experiment: '' };

/** The defaults from the plugin's composite settings; anything else is ignored. */
export function defaultsFrom(composite: { [key: string]: unknown } | null | undefined): IRunDefaults {
  const target = composite?.defaultTarget === 'kubeflow' ? 'kubeflow' : 'local';
  const kubeflow = composite?.kubeflow;
  const experiment =
    isObject(kubeflow) && typeof kubeflow.defaultExperiment === 'string' ? kubeflow.defaultExperiment.trim() : '';
  return { target, experiment };
}

/** The target the user asked for: the notebook's, else the default. */
export function wantedTarget(settings: PipelineSettings, defaults: IRunDefaults): Target {
  return settings.target ?? defaults.target;
}

/** What a run would use: Kubeflow only when the bridge offers it. */
export function effectiveTarget(wanted: Target, kubeflowAvailable: boolean): Target {
  return wanted === 'kubeflow' && kubeflowAvailable ? 'kubeflow' : 'local';
}

/** The experiment of a Kubeflow run: the notebook's, else the default, else none (the bridge picks). */
export function experimentFor(settings: PipelineSettings, defaults: IRunDefaults): string | undefined {
  const own = settings.experiment?.trim();
  return own || defaults.experiment || undefined;
}

/** `options` of `POST /api/runs`: only what the bridge accepts for the engine. */
export function runOptionsOf(
  target: Target,
  cache: boolean,
  experiment?: string,
  python?: string
): { engine: Target; cache: boolean; experiment?: string; python?: string } {
  if (target === 'kubeflow') {
    // The interpreter is a local-run option: the cluster runs the image.
    return experiment ? { engine: 'kubeflow', cache, experiment } : { engine: 'kubeflow', cache };
  }
  return python ? { engine: target, cache, python } : { engine: target, cache };
}

/**
 * The notebook metadata with `target` set, every other field kept as it
 * is; an error (nothing to write) when the metadata is not an object.
 */
export function withTarget(
  raw: unknown,
  target: Target,
  key = 'kubeflow'
): { ok: { [key: string]: unknown } } | { error: string } {
  if (raw !== undefined && !isObject(raw)) {
    return { error: `notebook metadata "${key}" is not an object; fix it in the notebook metadata first` };
  }
  return { ok: { ...(raw ?? {}), target } };
}
