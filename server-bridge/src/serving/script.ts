/**
 * Where the model server script is. It is run by path with the run's own
 * Python, which may not have jupyterlab_kubeflow installed (a step needs
 * none of our packages; the model server needs only kserve).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SCRIPT_ENV = 'KUBEFLOW_BRIDGE_MODEL_SERVER';

export function modelServerScript(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    env[SCRIPT_ENV],
    // The bundle: jupyterlab_kubeflow/bridge/kubeflow-bridge.cjs
    resolve(__dirname, '../serving/model_server.py'),
    // The sources (jest): server-bridge/src/serving/script.ts
    resolve(__dirname, '../../../jupyterlab_kubeflow/serving/model_server.py')
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find(p => existsSync(p));
  if (!found) {
    throw new Error(`the model server script is missing (looked in ${candidates.join(', ')}); set ${SCRIPT_ENV}`);
  }
  return join(found);
}
