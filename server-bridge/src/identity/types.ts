/**
 * Who a Jupyter user is on the cluster, and how the bridge gets credentials
 * for them. These are the contracts the engines use (the KFP engine calls
 * `TokenSource.token(user, 'kfp')`); keep them stable.
 *
 * Tokens never leave the bridge: no route returns one, no event carries one,
 * no log line names one (log namespace, service account and audience only).
 */

/** How the bridge finds identities: see identity/setup.ts. */
export type IdentityMode = 'none' | 'pod' | 'shared';

/** The audience of a token: KFP's API server, or the Kubernetes API server. */
export type Audience = 'kfp' | 'kube';

/** The audience string KFP's API server checks in its TokenReview. */
export const KFP_AUDIENCE = 'pipelines.kubeflow.org';

export interface UserIdentity {
  /** The Jupyter user name, as the server extension (or a kernel) gave it. */
  user: string;
  /** The Kubernetes namespace the user works in. */
  namespace: string;
  /** The service account (in `namespace`) the bridge acts as for this user. */
  serviceAccount: string;
  mode: Exclude<IdentityMode, 'none'>;
}

/** Maps a Jupyter user to their namespace and service account. */
export interface IdentityResolver {
  /** Rejects with an IdentityError (403) for a user nobody mapped. */
  resolve(user: string): Promise<UserIdentity>;
}

/**
 * Short-lived bearer tokens for a user's service account.
 * `kfp`: audience `pipelines.kubeflow.org` (send to the KFP API server);
 * `kube`: the API server's default audience (Katib, KServe, pods, logs).
 * Call it for every request (or every retry): it caches, and tokens rotate.
 * Rejects with an IdentityError (403 unknown user, 503 unavailable) or a
 * KubeError when the cluster refuses to mint.
 */
export interface TokenSource {
  token(user: string, audience: Audience): Promise<string>;
}

/** A refusal the bridge can explain to the user: the status to answer with and why. */
export class IdentityError extends Error {
  constructor(
    message: string,
    readonly status: 403 | 503 = 403
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
