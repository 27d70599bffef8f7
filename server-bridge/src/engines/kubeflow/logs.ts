/**
 * A kubeflow task's log: container `main` of the run's executor pod, read
 * with the user's own `kube` token (so `pods/log get` in the namespace is
 * the cluster's decision, not ours). KFP labels a run's pods
 * `pipeline/runid=<run id>`; the task is found by the pod's
 * `workflows.argoproj.io/node-name` annotation (`<workflow>.root.<task>`),
 * or by KFP's task-name annotation or label. KFP's own log endpoint does no
 * run-level authorization and ignores `follow`, so we do not use it.
 */
import type { ScopedKube } from '../../identity/scoped';
import { loadK8s } from '../../identity/k8s';
import { EngineError } from '../local/types';

type PodMeta = { name?: string; labels?: { [k: string]: string }; annotations?: { [k: string]: string } };

export function podOfTask(pods: { metadata?: PodMeta; spec?: { containers?: { name: string }[] } }[], task: string): string | null {
  const names = (meta: PodMeta) => [
    meta.annotations?.['workflows.argoproj.io/node-name']?.split('.').pop(),
    meta.annotations?.['pipelines.kubeflow.org/task_display_name'],
    meta.labels?.['pipelines.kubeflow.org/task_name']
  ];
  const executors = pods.filter(p => (p.spec?.containers ?? []).some(c => c.name === 'main'));
  const pod = executors.find(p => names(p.metadata ?? {}).includes(task));
  return pod?.metadata?.name ?? null;
}

export async function readTaskLog(
  scoped: ScopedKube, user: string, namespace: string, runId: string, task: string, tail?: number
): Promise<string> {
  const { identity, config } = await scoped.forUser(user);
  if (identity.namespace !== namespace) {
    throw new EngineError(`this run is in namespace ${namespace}; you work in ${identity.namespace}`, 403);
  }
  const k8s = await loadK8s();
  const core = config.makeApiClient(k8s.CoreV1Api);
  try {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `pipeline/runid=${runId}` });
    const pod = podOfTask(pods.items, task);
    if (!pod) {
      throw new EngineError(`no pod of task ${task} in run ${runId} (namespace ${namespace}) yet`, 404);
    }
    const text = await core.readNamespacedPodLog({ name: pod, namespace, container: 'main', tailLines: tail });
    return typeof text === 'string' ? text : String(text ?? '');
  } catch (err) {
    if (err instanceof EngineError) {
      throw err;
    }
    if (/No Content-Type defined/.test((err as Error).message ?? '')) {
      // client-node 1.4 cannot parse an empty answer (a container that has
      // not started writes nothing, and the API server sends no type).
      return '';
    }
    throw kubeErrorOf(err, namespace);
  }
}

function kubeErrorOf(err: unknown, namespace: string): EngineError {
  const e = err as { code?: number; body?: unknown; message?: string };
  let message = e.message ?? String(err);
  try {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    message = (body as { message?: string })?.message ?? message;
  } catch {
    // keep the exception's message
  }
  if (e.code === 403) {
    return new EngineError(`the cluster refused to show pods or logs in namespace ${namespace}: ${message}`, 403);
  }
  return new EngineError(`cannot read the task's log from namespace ${namespace}: ${message}`, e.code === 404 ? 404 : 502);
}
