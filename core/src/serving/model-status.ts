/**
 * An InferenceService's status in plain words for the Deploy view: is it
 * ready, where, who gets the traffic, and, when the model did not load,
 * why (`modelStatus.lastFailureInfo`: reason, message, exitCode) and what
 * to do about it. Pure; the bridge calls it on every status event.
 */

export interface FailureInfo {
  reason?: string;
  message?: string;
  exitCode?: number;
  location?: string;
  modelRevisionName?: string;
  time?: string;
}

export interface ModelStatus {
  transitionStatus?: string;
  states?: { activeModelState?: string; targetModelState?: string };
  lastFailureInfo?: FailureInfo;
  copies?: { failedCopies?: number; totalCopies?: number };
}

/** What each documented `lastFailureInfo.reason` means for a data scientist. */
export const FAILURE_REASONS: { [reason: string]: string } = {
  ModelLoadFailed: 'the model server started but could not load the model: check that storageUri holds the model file the runtime expects and that the storage service account can read it',
  RuntimeUnhealthy: 'the model server is not healthy (it crashed or failed its health checks)',
  RuntimeDisabled: 'the serving runtime for this model format is disabled on the cluster: ask your admin to enable it',
  NoSupportingRuntime: 'no serving runtime on the cluster supports this model format: ask your admin to install one, or save the model in a supported format',
  RuntimeNotRecognized: 'the serving runtime named in the spec does not exist on the cluster',
  InvalidPredictorSpec: 'the predictor spec is invalid'
};

/** Exit codes that say more than the number: the kernel's signals. */
const EXIT_CODES: { [code: number]: string } = {
  137: 'killed (exit code 137: usually out of memory; give the predictor more memory)',
  139: 'crashed (exit code 139: a segmentation fault)',
  143: 'stopped (exit code 143: terminated)',
  1: 'exited with an error (exit code 1: see the predictor container log)'
};

/** One sentence (or null when the model is fine or nothing is known yet). */
export function explainModelStatus(status: { modelStatus?: ModelStatus } | ModelStatus | null | undefined): string | null {
  if (!status) {
    return null;
  }
  const ms: ModelStatus | undefined = 'modelStatus' in status ? (status as { modelStatus?: ModelStatus }).modelStatus : (status as ModelStatus);
  const failure = ms?.lastFailureInfo;
  const state = ms?.states?.activeModelState;
  if (!failure || Object.keys(failure).length === 0) {
    if (ms?.transitionStatus === 'BlockedByFailedLoad' || state === 'FailedToLoad') {
      return 'The model failed to load (KServe gave no reason).';
    }
    if (ms?.transitionStatus === 'InvalidSpec') {
      return 'KServe says the predictor spec is invalid.';
    }
    return null;
  }
  const parts: string[] = [];
  const reason = failure.reason ? FAILURE_REASONS[failure.reason] ?? `KServe reports ${failure.reason}` : 'the model failed';
  parts.push(`The model is not serving: ${reason}.`);
  if (failure.exitCode !== undefined && failure.exitCode !== 0) {
    parts.push(`Its container ${EXIT_CODES[failure.exitCode] ?? `exited with code ${failure.exitCode}`}.`);
  }
  if (failure.message) {
    parts.push(`KServe says: ${failure.message.trim()}`);
  }
  if (failure.modelRevisionName) {
    parts.push(`(revision ${failure.modelRevisionName})`);
  }
  return parts.join(' ');
}

export interface TrafficShare {
  revisionName?: string;
  percent?: number;
  tag?: string;
  latestRevision?: boolean;
}

export interface IsvcSummary {
  ready: boolean;
  /** The Ready condition's reason/message when not ready. */
  reason: string | null;
  url: string | null;
  traffic: TrafficShare[];
  /** Standard mode (v0.20+): each canary's readiness and share. */
  canaries: { name: string; ready: boolean; trafficPercent: number }[];
  modelState: string | null;
  /** explainModelStatus over the predictor's and the canaries' model statuses. */
  explanation: string | null;
}

type Obj = { [key: string]: any };

/** The status fields the Deploy view shows, from an InferenceService's `status`. */
export function summarizeStatus(status: Obj | null | undefined): IsvcSummary {
  const s = status ?? {};
  const ready = (s.conditions ?? []).find((c: Obj) => c?.type === 'Ready');
  const predictor = s.components?.predictor ?? {};
  const canaries = (s.canaryStatuses ?? []) as Obj[];
  const explanations = [explainModelStatus(s.modelStatus), ...canaries.map(c => {
    const e = explainModelStatus(c.modelStatus);
    return e && `Canary ${c.name}: ${e}`;
  })].filter((e): e is string => !!e);
  return {
    ready: ready?.status === 'True',
    reason: ready && ready.status !== 'True' ? [ready.reason, ready.message].filter(Boolean).join(': ') || null : null,
    url: s.url ?? predictor.url ?? null,
    traffic: (predictor.traffic ?? []).map((t: Obj) => ({
      ...(t.revisionName ? { revisionName: t.revisionName } : {}),
      ...(typeof t.percent === 'number' ? { percent: t.percent } : {}),
      ...(t.tag ? { tag: t.tag } : {}),
      ...(typeof t.latestRevision === 'boolean' ? { latestRevision: t.latestRevision } : {})
    })),
    canaries: canaries.map(c => ({ name: String(c.name), ready: !!c.ready, trafficPercent: Number(c.trafficPercent) })),
    modelState: s.modelStatus?.states?.activeModelState ?? null,
    explanation: explanations.length ? explanations.join(' ') : null
  };
}
