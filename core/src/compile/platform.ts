/**
 * The Kubernetes platform document (kfp-kubernetes' `PlatformSpec`): today
 * only secrets as environment variables. Both the plain `secretName` (read
 * by backends before 2.5) and `secretNameParameter` (2.5+) are written.
 */
import { executorName } from '../names';
import { PipelineGraph, SecretEnv } from '../types';
import { allSteps } from './validate';

function secretAsEnv(secrets: SecretEnv[]): object[] {
  const bySecret = new Map<string, SecretEnv[]>();
  for (const s of secrets) {
    bySecret.set(s.secret, [...(bySecret.get(s.secret) ?? []), s]);
  }
  return [...bySecret.keys()].sort().map(secret => ({
    secretName: secret,
    secretNameParameter: { runtimeValue: { constant: secret } },
    keyToEnv: bySecret.get(secret)!.map(s => ({ secretKey: s.key, envVar: s.env }))
  }));
}

/** Null when no step needs a platform setting. */
export function buildPlatformSpec(graph: PipelineGraph): object | null {
  const executors: { [label: string]: object } = {};
  for (const step of allSteps(graph)) {
    const secrets = step.settings.secrets ?? [];
    if (secrets.length > 0) {
      executors[executorName(step.name)] = { secretAsEnv: secretAsEnv(secrets) };
    }
  }
  if (Object.keys(executors).length === 0) {
    return null;
  }
  return { platforms: { kubernetes: { deploymentSpec: { executors } } } };
}
