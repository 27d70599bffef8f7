/**
 * A run's model output as a version the cluster can serve. The model must
 * be somewhere the cluster can pull it from: a Kubeflow run's artifact URI
 * (as recorded in its outputs), else the request's `storageUri` (a local
 * run's files are on this machine, which KServe's storage initializer
 * cannot reach, so it is then required). `modelFormat` comes from how the
 * model was saved unless the request names it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkStorageUri, modelFormatOf, ServingSpecError } from '../../../../core/src/serving';
import type { LocalEngine } from '../../engines/local/engine';
import { EngineError } from '../../engines/local/types';
import type { KServeVersion } from './types';

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//;

export function kserveVersionFromRun(
  engine: LocalEngine, runId: string, output: string, id: string, given: { storageUri?: string; modelFormat?: string }
): KServeVersion {
  const run = engine.get(runId);
  if (!run) {
    throw new EngineError(`no run ${runId}`, 404, 'run');
  }
  if (run.state !== 'succeeded') {
    throw new EngineError(`run ${runId} is ${run.state}: only a run that succeeded can be deployed`, 409, 'run');
  }
  // As for local deployments: when two tasks give the same name, the later one wins.
  const producer = [...run.tasks].reverse().find(t => t.outputs?.artifacts[output]);
  const artifact = producer?.outputs?.artifacts[output];
  if (!producer || !artifact) {
    const names = run.tasks.flatMap(t => Object.keys(t.outputs?.artifacts ?? {}));
    if (!(run.engine === 'kubeflow' && given.storageUri)) {
      throw new EngineError(`run ${runId} has no output ${output} (it has ${names.join(', ') || 'none'})`, 400, 'output');
    }
  }
  const recorded = artifact && REMOTE.test(artifact.path) ? artifact.path : undefined;
  const storageUri = given.storageUri ?? recorded;
  if (!storageUri) {
    throw new EngineError(
      `storageUri is required: run ${runId} ran on this machine, and the cluster cannot pull its files; ` +
        `copy the ${output} folder to storage the cluster reads (s3://, gs://, pvc://) and give its URI`,
      400, 'storageUri'
    );
  }
  let format = artifact?.format ?? '';
  let pythonType = artifact?.pythonType ?? null;
  if (artifact && !recorded && (!format || !pythonType)) {
    try {
      const meta = JSON.parse(readFileSync(join(artifact.path, 'kubeflow.json'), 'utf-8')) as { format?: string; type?: string };
      format ||= meta.format ?? '';
      pythonType ??= meta.type ?? null;
    } catch {
      // no metadata: modelFormat must be given
    }
  }
  try {
    checkStorageUri(storageUri);
    const modelFormat = given.modelFormat ?? modelFormatOf(format, pythonType);
    return {
      id, role: 'champion', run: runId, task: producer?.name ?? '', output, path: storageUri, format, modelType: pythonType,
      metrics: run.metrics ?? {}, python: '', createdAt: Date.now(), stats: { requests: 0, errors: 0, rewards: 0, rewardSum: 0 },
      storageUri, modelFormat
    };
  } catch (err) {
    if (err instanceof ServingSpecError) {
      throw new EngineError(err.message, 400, err.field);
    }
    throw err;
  }
}
