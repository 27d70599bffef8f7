/**
 * The Kubeflow deployment target for a bridge: a KServeDeployments when the
 * bridge knows who users are on the cluster, else the reason there is none
 * (the API answers a `target: 'kubeflow'` request with it). Records live
 * beside the run history (`<data-dir>/kserve/`).
 */
import { join } from 'node:path';
import type { LocalEngine } from '../../engines/local/engine';
import type { Identity } from '../../identity/setup';
import type { StartWatch } from '../../kube/watch';
import type { Logger } from '../../log';
import { KServeRecords } from './records';
import { KServeDeployments, Publish } from './service';
import type { KServeSettings } from './types';

export const DEFAULT_KSERVE: KServeSettings = { mode: 'knative', feedbackBatch: 20 };

export function kserveTarget(
  identity: Identity,
  engine: LocalEngine,
  settings: KServeSettings | undefined,
  publish: Publish,
  log: Logger,
  startWatch?: StartWatch
): KServeDeployments | string {
  if (identity.mode === 'none') {
    return identity.reason;
  }
  const records = new KServeRecords(join(engine.options.dataDir, 'kserve'));
  return new KServeDeployments(engine, identity.kube, identity.tokens, identity.resolver, records, settings ?? DEFAULT_KSERVE, publish, log, startWatch);
}
