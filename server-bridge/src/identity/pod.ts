/**
 * Pod mode: the bridge runs inside a Kubeflow notebook pod. Everyone who
 * reaches this Jupyter server is acting as the pod's owner, so every user
 * resolves to the pod's namespace and service account, and tokens are the
 * ones the kubelet projects into the pod:
 *
 * - `kfp`: the file at `KF_PIPELINES_SA_TOKEN_PATH` (Kubeflow's PodDefault
 *   `access-ml-pipeline` mounts it with audience `pipelines.kubeflow.org`);
 * - `kube`: the pod's own service-account token.
 *
 * The kubelet rotates both files, so they are read again on every use
 * (a small local read; no caching to go stale).
 */
import { readFile } from 'node:fs/promises';
import { Audience, IdentityError, IdentityResolver, TokenSource, UserIdentity } from './types';
import { DEFAULT_SERVICE_ACCOUNT } from './mapping';

export const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const DEFAULT_KFP_TOKEN_PATH = '/var/run/secrets/kubeflow/pipelines/token';

export interface PodPaths {
  /** The pod's namespace file (default `${SA_DIR}/namespace`). */
  namespaceFile: string;
  /** The pod's own service-account token (default `${SA_DIR}/token`). */
  kubeTokenFile: string;
  /** `KF_PIPELINES_SA_TOKEN_PATH`, default `/var/run/secrets/kubeflow/pipelines/token`. */
  kfpTokenFile: string;
}

export function podPaths(env: NodeJS.ProcessEnv, saDir = env.KUBEFLOW_BRIDGE_SA_DIR || SA_DIR): PodPaths {
  return {
    namespaceFile: `${saDir}/namespace`,
    kubeTokenFile: `${saDir}/token`,
    kfpTokenFile: env.KF_PIPELINES_SA_TOKEN_PATH || DEFAULT_KFP_TOKEN_PATH
  };
}

/** The service account named in a token's `sub` (`system:serviceaccount:NS:SA`); the token is not logged. */
export function serviceAccountOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf-8')) as { sub?: unknown };
    const m = typeof payload.sub === 'string' ? /^system:serviceaccount:[^:]+:([^:]+)$/.exec(payload.sub) : null;
    return m?.[1];
  } catch {
    return undefined;
  }
}

async function readTrimmed(path: string): Promise<string> {
  return (await readFile(path, 'utf-8')).trim();
}

export class PodIdentity implements IdentityResolver, TokenSource {
  private pod?: Promise<{ namespace: string; serviceAccount: string }>;

  constructor(private paths: PodPaths) {}

  async resolve(user: string): Promise<UserIdentity> {
    this.pod ??= this.readPod();
    try {
      return { user, ...(await this.pod), mode: 'pod' };
    } catch (err) {
      this.pod = undefined; // try again next time: the mount may come later
      throw err;
    }
  }

  async token(user: string, audience: Audience): Promise<string> {
    await this.resolve(user);
    const path = audience === 'kfp' ? this.paths.kfpTokenFile : this.paths.kubeTokenFile;
    try {
      const token = await readTrimmed(path);
      if (token) {
        return token;
      }
    } catch {
      // fall through to the explanation
    }
    throw new IdentityError(
      audience === 'kfp'
        ? `no Kubeflow Pipelines token at ${path}: give this notebook server the PodDefault 'access-ml-pipeline' (Allow access to Kubeflow Pipelines), or set KF_PIPELINES_SA_TOKEN_PATH`
        : `no service-account token at ${path}: the notebook pod needs automountServiceAccountToken`,
      503
    );
  }

  private async readPod(): Promise<{ namespace: string; serviceAccount: string }> {
    let namespace: string;
    try {
      namespace = await readTrimmed(this.paths.namespaceFile);
    } catch {
      throw new IdentityError(`pod mode, but there is no ${this.paths.namespaceFile}: is the bridge running in a Kubernetes pod?`, 503);
    }
    let serviceAccount: string | undefined;
    try {
      serviceAccount = serviceAccountOf(await readTrimmed(this.paths.kubeTokenFile));
    } catch {
      serviceAccount = undefined;
    }
    return { namespace, serviceAccount: serviceAccount ?? DEFAULT_SERVICE_ACCOUNT };
  }
}
