/**
 * The Kubernetes objects the bridge creates for users: Katib Experiments and
 * KServe InferenceServices, always in the user's namespace and always with
 * the user's own token (identity/scoped.ts). The Katib and KServe features
 * build on these; this file only creates and reads them.
 */
import { loadK8s } from '../identity/k8s';
import type { ScopedKube } from '../identity/scoped';
import type { UserIdentity } from '../identity/types';
import { kubeErrorOf } from './errors';

export interface ObjectKind {
  kind: string;
  apiVersion: string;
  group: string;
  version: string;
  plural: string;
}

export const EXPERIMENT: ObjectKind = {
  kind: 'Experiment',
  apiVersion: 'kubeflow.org/v1beta1',
  group: 'kubeflow.org',
  version: 'v1beta1',
  plural: 'experiments'
};

export const INFERENCE_SERVICE: ObjectKind = {
  kind: 'InferenceService',
  apiVersion: 'serving.kserve.io/v1beta1',
  group: 'serving.kserve.io',
  version: 'v1beta1',
  plural: 'inferenceservices'
};

/** KServe's router object (bandit routing on the cluster: serving/kserve/). */
export const INFERENCE_GRAPH: ObjectKind = {
  kind: 'InferenceGraph',
  apiVersion: 'serving.kserve.io/v1alpha1',
  group: 'serving.kserve.io',
  version: 'v1alpha1',
  plural: 'inferencegraphs'
};

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  status?: unknown;
  [key: string]: unknown;
};

/** `experiments.kubeflow.org`, as RBAC and the API server name it. */
export const resourceOf = (k: ObjectKind) => `${k.plural}.${k.group}`;

export class KubeObjects {
  constructor(private kube: ScopedKube) {}

  /** Create `body` (already validated) in the user's namespace, as the user. */
  async create(user: string, kind: ObjectKind, body: KubeObject): Promise<{ identity: UserIdentity; object: KubeObject }> {
    const { identity, config } = await this.kube.forUser(user);
    const k8s = await loadK8s();
    const namespace = identity.namespace;
    const metadata = { ...body.metadata, namespace };
    try {
      const object = (await config.makeApiClient(k8s.CustomObjectsApi).createNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        namespace,
        plural: kind.plural,
        body: { ...body, metadata }
      })) as KubeObject;
      return { identity, object };
    } catch (err) {
      throw kubeErrorOf(err, { verb: 'create', resource: resourceOf(kind), namespace, name: body.metadata.name });
    }
  }

  async get(user: string, kind: ObjectKind, name: string): Promise<{ identity: UserIdentity; object: KubeObject }> {
    const { identity, config } = await this.kube.forUser(user);
    const k8s = await loadK8s();
    const namespace = identity.namespace;
    try {
      const object = (await config.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObject({
        group: kind.group,
        version: kind.version,
        namespace,
        plural: kind.plural,
        name
      })) as KubeObject;
      return { identity, object };
    } catch (err) {
      throw kubeErrorOf(err, { verb: 'get', resource: resourceOf(kind), namespace, name });
    }
  }

  /**
   * An RFC 6902 JSON Patch, as the user: the exact documented edits
   * (core/src/serving), so "remove canaryTrafficPercent" is a remove and
   * not a merge that a controller might read differently.
   */
  async patch(user: string, kind: ObjectKind, name: string, ops: unknown[]): Promise<{ identity: UserIdentity; object: KubeObject }> {
    const { identity, config } = await this.kube.forUser(user);
    const k8s = await loadK8s();
    const namespace = identity.namespace;
    try {
      const object = (await config.makeApiClient(k8s.CustomObjectsApi).patchNamespacedCustomObject(
        { group: kind.group, version: kind.version, namespace, plural: kind.plural, name, body: ops },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch)
      )) as KubeObject;
      return { identity, object };
    } catch (err) {
      throw kubeErrorOf(err, { verb: 'patch', resource: resourceOf(kind), namespace, name });
    }
  }

  async remove(user: string, kind: ObjectKind, name: string): Promise<void> {
    const { identity, config } = await this.kube.forUser(user);
    const k8s = await loadK8s();
    const namespace = identity.namespace;
    try {
      await config.makeApiClient(k8s.CustomObjectsApi).deleteNamespacedCustomObject({ group: kind.group, version: kind.version, namespace, plural: kind.plural, name });
    } catch (err) {
      throw kubeErrorOf(err, { verb: 'delete', resource: resourceOf(kind), namespace, name });
    }
  }
}
