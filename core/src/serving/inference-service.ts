/**
 * A deployed model version as a KServe InferenceService
 * (serving.kserve.io/v1beta1), and the exact edits that add a canary,
 * shift its traffic, promote it and roll it back. Pure: the bridge sends
 * these with the user's token; the Deploy view can show them before.
 *
 * Two deployment modes (the cluster's choice; a bridge setting here):
 * - knative: one predictor; a changed predictor is a new Knative revision.
 *   `canaryTrafficPercent: N` gives the latest revision N % and the last
 *   rolled-out one the rest. Promote = remove the field (the latest takes
 *   100 %); roll back = put the champion's predictor back with
 *   `canaryTrafficPercent: 0` (the rolled-out champion keeps 100 %, and the
 *   spec no longer names the rejected model).
 * - standard (KServe v0.20+): the field is ignored there; the challenger is
 *   `spec.canary[{predictor: {name, ...}, trafficPercent}]` beside the
 *   champion's `spec.predictor`. Promote = the canary's predictor becomes
 *   `spec.predictor` and `spec.canary` goes; roll back = `spec.canary` goes.
 * Edits are RFC 6902 JSON Patch operations, so "remove the field" is sent
 * as exactly that and not as a guess at merge semantics.
 */

export type KServeMode = 'knative' | 'standard';

/** `serving.kserve.io/deploymentMode` values for each mode (v0.20 names). */
export const DEPLOYMENT_MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
export const MODE_ANNOTATION_VALUE: { [mode in KServeMode]: string } = { knative: 'Knative', standard: 'Standard' };

export const ISVC_API_VERSION = 'serving.kserve.io/v1beta1';

/** What the builder needs to know about one version of a model. */
export interface ServedVersion {
  /** `v1`, `v2`, ...: names the Standard-mode canary predictor. */
  id: string;
  /** KServe `modelFormat.name` (see modelFormatOf). */
  modelFormat: string;
  /** Where the model server pulls the model from (s3://, gs://, pvc://, oci://, https://). */
  storageUri: string;
}

export interface IsvcOptions {
  name: string;
  namespace: string;
  mode: KServeMode;
  /** The service account whose secrets give access to the storage (settings). */
  serviceAccountName?: string;
  /** Extra metadata labels (who deployed it, from which run). */
  labels?: { [key: string]: string };
}

export type JsonPatchOp =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'test'; path: string; value: unknown };

export interface Predictor {
  model: { name?: string; modelFormat: { name: string }; storageUri: string };
  serviceAccountName?: string;
  canaryTrafficPercent?: number;
  name?: string;
}

/** A field the builder refused, named for the API's error. */
export class ServingSpecError extends Error {
  constructor(message: string, readonly field: string) {
    super(message);
    this.name = 'ServingSpecError';
  }
}

/**
 * KServe `modelFormat.name` from how the model was saved (kubeflow.json's
 * `format`) and its Python type: the type's top-level package decides
 * (`sklearn.tree._classes.DecisionTreeClassifier` -> sklearn). KServe's
 * sklearn runtime loads `model.joblib`/`model.pkl`; its xgboost and
 * lightgbm runtimes load their native files (`model.bst`, ...), which the
 * artifact at storageUri must then hold.
 */
export const MODEL_FORMATS: { [pythonPackage: string]: string } = {
  sklearn: 'sklearn',
  xgboost: 'xgboost',
  lightgbm: 'lightgbm',
  torch: 'pytorch',
  tensorflow: 'tensorflow',
  keras: 'tensorflow',
  onnx: 'onnx'
};

export function modelFormatOf(format: string, pythonType: string | null): string {
  const root = (pythonType ?? '').split('.')[0];
  const found = MODEL_FORMATS[root];
  if (!found) {
    const saved = `${format || 'an unknown format'}${pythonType ? ` (${pythonType})` : ''}`;
    throw new ServingSpecError(
      `cannot tell KServe's modelFormat for a model saved as ${saved}: give modelFormat (${[...new Set(Object.values(MODEL_FORMATS))].join(', ')})`,
      'modelFormat'
    );
  }
  return found;
}

const URI = /^(s3|gs|pvc|oci|https?|hdfs|webhdfs|hf):\/\/\S+$/;

/** A storage URI KServe's storage initializer can pull, or a ServingSpecError. */
export function checkStorageUri(uri: string, field = 'storageUri'): string {
  if (!URI.test(uri)) {
    throw new ServingSpecError(
      `${field} must be a URI the cluster can pull the model from (s3://, gs://, pvc://, oci://, https://), not ${JSON.stringify(uri)}`,
      field
    );
  }
  return uri;
}

export function predictorOf(version: ServedVersion, serviceAccountName?: string): Predictor {
  return {
    model: { modelFormat: { name: version.modelFormat }, storageUri: checkStorageUri(version.storageUri) },
    ...(serviceAccountName ? { serviceAccountName } : {})
  };
}

/** The InferenceService for the first version (the champion). */
export function inferenceService(options: IsvcOptions, champion: ServedVersion): {
  apiVersion: string;
  kind: 'InferenceService';
  metadata: { name: string; namespace: string; annotations: { [k: string]: string }; labels?: { [k: string]: string } };
  spec: { predictor: Predictor };
} {
  return {
    apiVersion: ISVC_API_VERSION,
    kind: 'InferenceService',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      annotations: { [DEPLOYMENT_MODE_ANNOTATION]: MODE_ANNOTATION_VALUE[options.mode] },
      ...(options.labels ? { labels: options.labels } : {})
    },
    spec: { predictor: predictorOf(champion, options.serviceAccountName) }
  };
}

function percentOf(percent: number): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new ServingSpecError(`challengerPercent must be a whole number from 0 to 100 on KServe, not ${percent}`, 'challengerPercent');
  }
  return percent;
}

/** KServe's name for a predictor's model container. */
export const KSERVE_CONTAINER = 'kserve-container';

/** The Standard-mode canary predictor's name: `<isvc>-<version>`. */
export const canaryName = (name: string, version: ServedVersion) => `${name}-${version.id}`;

/** Adds `challenger` as the canary with `percent` % of the traffic. */
export function canaryPatch(
  mode: KServeMode, name: string, challenger: ServedVersion, percent: number, serviceAccountName?: string
): JsonPatchOp[] {
  const p = percentOf(percent);
  const predictor = predictorOf(challenger, serviceAccountName);
  if (mode === 'knative') {
    return [{ op: 'replace', path: '/spec/predictor', value: { ...predictor, canaryTrafficPercent: p } }];
  }
  // The CRD requires the canary model's container `name` (spec.predictor.model does not);
  // KServe names a predictor's container `kserve-container`.
  const model = { name: KSERVE_CONTAINER, ...predictor.model };
  return [{ op: 'add', path: '/spec/canary', value: [{ predictor: { name: canaryName(name, challenger), ...predictor, model }, trafficPercent: p }] }];
}

/** Shifts the challenger's share (a canary must be in place). */
export function trafficPatch(mode: KServeMode, percent: number): JsonPatchOp[] {
  const p = percentOf(percent);
  return mode === 'knative'
    ? [{ op: 'replace', path: '/spec/predictor/canaryTrafficPercent', value: p }]
    : [{ op: 'replace', path: '/spec/canary/0/trafficPercent', value: p }];
}

/** The challenger takes all traffic and becomes the champion. */
export function promotePatch(mode: KServeMode, challenger: ServedVersion, serviceAccountName?: string): JsonPatchOp[] {
  if (mode === 'knative') {
    return [{ op: 'remove', path: '/spec/predictor/canaryTrafficPercent' }];
  }
  return [
    { op: 'replace', path: '/spec/predictor', value: predictorOf(challenger, serviceAccountName) },
    { op: 'remove', path: '/spec/canary' }
  ];
}

/** The challenger is dropped; the champion keeps (or gets back) all traffic. */
export function rollbackPatch(mode: KServeMode, champion: ServedVersion, serviceAccountName?: string): JsonPatchOp[] {
  if (mode === 'knative') {
    return [{ op: 'replace', path: '/spec/predictor', value: { ...predictorOf(champion, serviceAccountName), canaryTrafficPercent: 0 } }];
  }
  return [{ op: 'remove', path: '/spec/canary' }];
}
