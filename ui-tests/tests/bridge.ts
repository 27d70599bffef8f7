/** Find and kill the bridge that the test Jupyter server started. */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

function serverPid(): number {
  return Number(readFileSync(path.join(__dirname, '..', '.jupyter-server.pid'), 'utf8'));
}

/** The pid of the bridge process, a direct child of the Jupyter server. */
export function bridgePid(): number {
  const out = execFileSync('pgrep', ['-P', String(serverPid()), '-f', 'kubeflow-bridge.cjs'], {
    encoding: 'utf8'
  });
  const pids = out.trim().split(/\s+/).filter(Boolean).map(Number);
  if (pids.length !== 1) {
    throw new Error(`expected one bridge process, found ${pids.length}`);
  }
  return pids[0];
}

export function tryBridgePid(): number | null {
  try {
    return bridgePid();
  } catch {
    return null;
  }
}
