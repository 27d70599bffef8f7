/**
 * `serve`'s kubeflow engine: on when there is a KFP endpoint
 * (`--kfp-endpoint URL`, else KUBEFLOW_BRIDGE_KFP_ENDPOINT), an identity
 * mode other than none, and the local engine's history to share.
 */
import type { Identity } from '../../identity/setup';
import type { Logger } from '../../log';
import type { LocalEngine } from '../local/engine';
import { KubeflowEngine } from './engine';

export const KFP_ENDPOINT_ENV = 'KUBEFLOW_BRIDGE_KFP_ENDPOINT';

/** The endpoint, or undefined; throws Error naming a value that is not an http(s) URL. */
export function kfpEndpointOf(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const raw = (flag ?? env[KFP_ENDPOINT_ENV] ?? '').trim();
  if (raw === '') {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--kfp-endpoint must be an http(s) URL, not '${raw}'`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search) {
    throw new Error(`--kfp-endpoint must be an http(s) URL without credentials or query, not '${raw}'`);
  }
  return raw.replace(/\/+$/, '');
}

export function createKubeflowEngine(
  endpoint: string | undefined, identity: Identity, local: LocalEngine | undefined, log: Logger
): KubeflowEngine | undefined {
  if (!endpoint) {
    return undefined;
  }
  if (identity.mode === 'none') {
    log.warning('kubeflow engine off: no identity mode', { endpoint, reason: identity.reason });
    return undefined;
  }
  if (!local) {
    log.warning('kubeflow engine off: it needs the local engine\'s run history', { endpoint });
    return undefined;
  }
  const engine = new KubeflowEngine({
    endpoint, store: local.store, rootDir: local.options.rootDir,
    resolver: identity.resolver, tokens: identity.tokens, scoped: identity.kube, log
  });
  log.info('kubeflow engine ready', { endpoint, mode: identity.mode });
  return engine;
}
