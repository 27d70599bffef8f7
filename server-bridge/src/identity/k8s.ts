/**
 * The one place that loads @kubernetes/client-node. It is imported lazily:
 * `analyze`, `compile`, `run` and a bridge in `none` mode never pay for it.
 * Everything else takes the module from here, typed, so that tests can work
 * with plain fakes where no API server is needed.
 */
import type * as K8s from '@kubernetes/client-node';

export type K8sModule = typeof K8s;
export type KubeConfig = K8s.KubeConfig;

let loading: Promise<K8sModule> | undefined;

export function loadK8s(): Promise<K8sModule> {
  loading ??= import('@kubernetes/client-node');
  return loading;
}

/**
 * The bridge's own credentials: a kubeconfig file (its context's cluster and
 * user) or, without one, the in-cluster service account of the bridge's pod.
 * These may only mint tokens and read profiles (see manifests/); all work for
 * a user runs with that user's token (identity/scoped.ts).
 */
export async function bridgeKubeConfig(kubeconfigPath?: string): Promise<KubeConfig> {
  if (!kubeconfigPath && !process.env.KUBERNETES_SERVICE_HOST) {
    throw new Error('no --kubeconfig given and not in a pod (KUBERNETES_SERVICE_HOST is not set)');
  }
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  if (kubeconfigPath) {
    kc.loadFromFile(kubeconfigPath);
  } else {
    kc.loadFromCluster();
  }
  if (!kc.getCurrentCluster()) {
    throw new Error(kubeconfigPath ? `no current cluster in ${kubeconfigPath}` : 'no in-cluster configuration');
  }
  return kc;
}
