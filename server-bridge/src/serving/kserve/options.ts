/**
 * The Kubeflow deployment target's settings, from `serve`'s flags and the
 * environment (flags win), so the admin who knows the cluster sets them once:
 *   --kserve-deployment-mode knative|standard  KUBEFLOW_BRIDGE_KSERVE_MODE   default knative
 *   --kserve-service-account NAME              KUBEFLOW_BRIDGE_KSERVE_SA     storage credentials
 *   --kserve-feedback-batch N                  KUBEFLOW_BRIDGE_KSERVE_BATCH  default 20
 */
import type { KServeSettings } from './types';

export const KSERVE_FLAGS = {
  'kserve-deployment-mode': { type: 'string' },
  'kserve-service-account': { type: 'string' },
  'kserve-feedback-batch': { type: 'string' }
} as const;

export function kserveSettings(
  flags: { 'kserve-deployment-mode'?: string; 'kserve-service-account'?: string; 'kserve-feedback-batch'?: string },
  env: NodeJS.ProcessEnv
): KServeSettings {
  const mode = flags['kserve-deployment-mode'] ?? (env.KUBEFLOW_BRIDGE_KSERVE_MODE || 'knative');
  if (mode !== 'knative' && mode !== 'standard') {
    throw new Error(`--kserve-deployment-mode must be knative or standard, not '${mode}'`);
  }
  const sa = flags['kserve-service-account'] ?? (env.KUBEFLOW_BRIDGE_KSERVE_SA || undefined);
  if (sa !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(sa)) {
    throw new Error(`--kserve-service-account must be a service account name, not '${sa}'`);
  }
  const batchText = flags['kserve-feedback-batch'] ?? (env.KUBEFLOW_BRIDGE_KSERVE_BATCH || '20');
  const batch = Number(batchText);
  if (!Number.isInteger(batch) || batch < 1) {
    throw new Error(`--kserve-feedback-batch must be a whole number >= 1, not '${batchText}'`);
  }
  return { mode, ...(sa ? { serviceAccountName: sa } : {}), feedbackBatch: batch };
}
