/**
 * A run's model output as a deployable version: the run must exist, be a
 * local run that succeeded, and have the output; the artifact's
 * kubeflow.json says how the model was saved. Errors name the field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalEngine } from '../engines/local/engine';
import { EngineError } from '../engines/local/types';
import type { VersionRecord } from './types';

/** Formats KServe's model server (model_server.py) can load. */
// One list, shared with the browser (which offers Deploy only for these).
export { SERVABLE_FORMATS } from '../../../core/src/protocol';
import { SERVABLE_FORMATS } from '../../../core/src/protocol';

export function versionFromRun(engine: LocalEngine, runId: string, output: string, id: string): VersionRecord {
  const run = engine.get(runId);
  if (!run) {
    throw new EngineError(`no run ${runId}`, 404, 'run');
  }
  if (run.engine === 'kubeflow') {
    throw new EngineError(`run ${runId} ran on Kubeflow: local deployments serve local runs`, 400, 'run');
  }
  if (run.state !== 'succeeded') {
    throw new EngineError(`run ${runId} is ${run.state}: only a run that succeeded can be deployed`, 409, 'run');
  }
  // As in the client: when two tasks give the same name, the later one wins.
  const producer = [...run.tasks].reverse().find(t => t.outputs?.artifacts[output]);
  if (!producer) {
    const names = run.tasks.flatMap(t => Object.keys(t.outputs?.artifacts ?? {}));
    throw new EngineError(`run ${runId} has no output ${output} (it has ${names.join(', ') || 'none'})`, 400, 'output');
  }
  const artifact = producer.outputs!.artifacts[output];
  let meta: { format?: string; type?: string };
  try {
    meta = JSON.parse(readFileSync(join(artifact.path, 'kubeflow.json'), 'utf-8'));
  } catch (err) {
    throw new EngineError(`output ${output} of run ${runId} has no readable kubeflow.json: ${(err as Error).message}`, 400, 'output');
  }
  const format = meta.format ?? '';
  // A number or a list saved with pickle is a value, not a model (`builtins.float`).
  if (!SERVABLE_FORMATS.includes(format) || (meta.type ?? '').startsWith('builtins.')) {
    throw new EngineError(
      `output ${output} is saved as ${format || 'an unknown format'}${meta.type ? ` (${meta.type})` : ''}, not a model: ` +
        `a model server loads ${SERVABLE_FORMATS.join(', ')} (scikit-learn and XGBoost models are saved with joblib)`,
      400, 'output'
    );
  }
  return {
    id, role: 'champion', run: runId, task: producer.name, output, path: artifact.path, format,
    modelType: meta.type ?? null, metrics: run.metrics ?? {}, python: run.options.python, createdAt: Date.now(),
    stats: { requests: 0, errors: 0, rewards: 0, rewardSum: 0 }
  };
}
