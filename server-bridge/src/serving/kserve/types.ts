/**
 * Kubeflow deployments: the same vocabulary as local ones (../types.ts), so
 * the Deploy view and the events need no second shape. What differs is
 * added, never renamed: `target`, `namespace`, `mode`, each version's
 * `storageUri` and `modelFormat`, and `kserve` (the InferenceService's
 * status as the cluster reports it, explained).
 */
import type { IsvcSummary, KServeMode } from '../../../../core/src/serving';
import type { DeploymentRecord, DeploymentView, ServerStatus, VersionRecord } from '../types';

export interface KServeVersion extends VersionRecord {
  storageUri: string;
  modelFormat: string;
}

export interface KServeRecord extends Omit<DeploymentRecord, 'versions'> {
  target: 'kubeflow';
  namespace: string;
  mode: KServeMode;
  serviceAccountName: string | null;
  /** The challenger's share under a fixed split (the canary's percent). */
  challengerPercent: number;
  /** Bandit routing: the InferenceGraph's name and the weights last sent. */
  graph: { name: string; weights: number[] } | null;
  /** Feedback not yet turned into new weights (one patch per batch). */
  pendingFeedback: number;
  versions: KServeVersion[];
}

export interface KServeView extends Omit<DeploymentView, 'versions'> {
  target: 'kubeflow';
  namespace: string;
  mode: KServeMode;
  versions: (KServeVersion & { server: ServerStatus | null })[];
  kserve: IsvcSummary & { name: string; challengerPercent: number; graph: { name: string; weights: number[] } | null };
}

/** Settings of the Kubeflow target (serve's flags; see options.ts). */
export interface KServeSettings {
  mode: KServeMode;
  /** The service account whose secrets reach the model storage. */
  serviceAccountName?: string;
  /** Bandit routing: new InferenceGraph weights after this many rewards. */
  feedbackBatch: number;
}
