/** What the Run dialog offers: the notebook's target and experiment (else the defaults) and whether Kubeflow can be used. */
import type { PipelineSettings } from '../../../core/src/types';
import { effectiveTarget, experimentFor, IRunDefaults, wantedTarget } from '../../pipeline/target';
import type { IIdentityState } from '../../service/identity';
import type { IRunTargetChoice } from './params-form';

export function runTargetChoice(
  settings: PipelineSettings,
  defaults: IRunDefaults,
  identity: IIdentityState
): IRunTargetChoice {
  const available = identity.kubeflow;
  const experiment = experimentFor(settings, defaults);
  return {
    target: effectiveTarget(wantedTarget(settings, defaults), available),
    available,
    reason: identity.reason,
    ...(experiment ? { experiment } : {}),
    ...(identity.namespace ? { identity: `${identity.namespace} · ${identity.serviceAccount}` } : {})
  };
}
