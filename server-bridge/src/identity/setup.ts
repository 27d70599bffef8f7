/**
 * Choosing how the bridge knows who a user is, from `serve`'s options and
 * the environment (flags win):
 *
 *   --identity none|pod|shared   KUBEFLOW_BRIDGE_IDENTITY    default none
 *   --kubeconfig PATH            KUBEFLOW_BRIDGE_KUBECONFIG  the bridge's own credentials
 *                                (default: in-cluster service account)
 *   --user-map PATH              KUBEFLOW_BRIDGE_USER_MAP    shared: users -> namespace, SA
 *   --profiles on|off            KUBEFLOW_BRIDGE_PROFILES    shared: also look up Kubeflow
 *                                Profiles (default on)
 *   pod mode reads KF_PIPELINES_SA_TOKEN_PATH, and KUBEFLOW_BRIDGE_SA_DIR
 *   (default /var/run/secrets/kubernetes.io/serviceaccount; for tests).
 *
 * - none: a laptop. Kubeflow is unavailable and every Kubeflow route says
 *   why (local runs work as before).
 * - pod: inside a Kubeflow notebook pod; see pod.ts.
 * - shared: one bridge for many users; see shared.ts and tokens.ts.
 * A configured mode that cannot start (unreadable kubeconfig, bad user map)
 * becomes `none` with that reason: local work goes on, the panel and the
 * log say what is wrong.
 */
import type { Logger } from '../log';
import { bridgeKubeConfig } from './k8s';
import { MappingFile } from './mapping';
import { PodIdentity, podPaths } from './pod';
import { listProfilesWith, ProfileDirectory } from './profiles';
import { ScopedKube, ScopedKubeFactory } from './scoped';
import { SharedResolver } from './shared';
import { MintingTokenSource, TokenCache, tokenRequestMint } from './tokens';
import { IdentityError, IdentityMode, IdentityResolver, TokenSource } from './types';

export interface IdentityOptions {
  mode: IdentityMode;
  kubeconfig?: string;
  userMap?: string;
  profiles: boolean;
}

export type Identity =
  | { mode: 'none'; reason: string }
  | { mode: 'pod' | 'shared'; resolver: IdentityResolver; tokens: TokenSource; kube: ScopedKube };

const MODES: readonly IdentityMode[] = ['none', 'pod', 'shared'];

/** Options from parsed flags and the environment; throws Error naming the bad value. */
export function identityOptions(
  flags: { identity?: string; kubeconfig?: string; 'user-map'?: string; profiles?: string },
  env: NodeJS.ProcessEnv
): IdentityOptions {
  const mode = flags.identity ?? env.KUBEFLOW_BRIDGE_IDENTITY ?? 'none';
  if (!MODES.includes(mode as IdentityMode)) {
    throw new Error(`--identity must be one of ${MODES.join(', ')}, not '${mode}'`);
  }
  const profiles = flags.profiles ?? env.KUBEFLOW_BRIDGE_PROFILES ?? 'on';
  if (!['on', 'off'].includes(profiles)) {
    throw new Error(`--profiles must be on or off, not '${profiles}'`);
  }
  const userMap = flags['user-map'] ?? (env.KUBEFLOW_BRIDGE_USER_MAP || undefined);
  if (mode === 'shared' && !userMap && profiles === 'off') {
    throw new Error('--identity shared needs --user-map PATH, Kubeflow profiles (--profiles on), or both');
  }
  return {
    mode: mode as IdentityMode,
    kubeconfig: flags.kubeconfig ?? (env.KUBEFLOW_BRIDGE_KUBECONFIG || undefined),
    userMap,
    profiles: profiles === 'on'
  };
}

const LAPTOP_REASON =
  'Kubeflow is not configured for this Jupyter server: it runs pipelines on this machine only. ' +
  "In a Kubeflow notebook set c.KubeflowExtension.identity_mode = 'pod'; for a shared server see the README (identity_mode 'shared').";

/** What a bridge without identity configuration (a laptop) has. */
export const NO_IDENTITY: Identity = { mode: 'none', reason: LAPTOP_REASON };

export async function createIdentity(options: IdentityOptions, env: NodeJS.ProcessEnv, log: Logger): Promise<Identity> {
  if (options.mode === 'none') {
    return NO_IDENTITY;
  }
  try {
    return options.mode === 'pod' ? await podIdentity(options, env, log) : await sharedIdentity(options, log);
  } catch (err) {
    const reason = `identity mode '${options.mode}' could not start: ${(err as Error).message}`;
    log.error('kubeflow identity unavailable', { mode: options.mode, error: (err as Error).message });
    return { mode: 'none', reason };
  }
}

async function podIdentity(options: IdentityOptions, env: NodeJS.ProcessEnv, log: Logger): Promise<Identity> {
  const pod = new PodIdentity(podPaths(env));
  let kube: ScopedKube;
  try {
    kube = new ScopedKubeFactory(await bridgeKubeConfig(options.kubeconfig), pod, pod);
  } catch (err) {
    // KFP still works with the projected token; Kubernetes objects cannot.
    const reason = `no Kubernetes API server configuration: ${(err as Error).message}`;
    log.warning('pod mode without Kubernetes access', { error: (err as Error).message });
    kube = { forUser: () => Promise.reject(new IdentityError(reason, 503)) };
  }
  log.info('kubeflow identity ready', { mode: 'pod' });
  return { mode: 'pod', resolver: pod, tokens: pod, kube };
}

async function sharedIdentity(options: IdentityOptions, log: Logger): Promise<Identity> {
  const bridge = await bridgeKubeConfig(options.kubeconfig);
  const mapping = options.userMap ? new MappingFile(options.userMap, log) : undefined;
  const profiles = options.profiles ? new ProfileDirectory(await listProfilesWith(bridge), log) : undefined;
  const resolver = new SharedResolver(mapping, profiles, log);
  const tokens = new MintingTokenSource(resolver, new TokenCache(await tokenRequestMint(bridge, log)));
  log.info('kubeflow identity ready', { mode: 'shared', userMap: options.userMap, mappedUsers: mapping?.size, profiles: options.profiles });
  return { mode: 'shared', resolver, tokens, kube: new ScopedKubeFactory(bridge, resolver, tokens) };
}
