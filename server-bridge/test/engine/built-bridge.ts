/**
 * The BUILT bridge as a real process, for the tests that SIGKILL it and
 * start it again on the same data folder (`npm run build:bridge` first).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { BRIDGE } from './helpers';

export const SECRET = 'kill-test-secret-0123456789';
export const HEADERS = {
  'X-Kubeflow-Bridge-Secret': SECRET,
  'X-Kubeflow-User': 'dana',
  'Content-Type': 'application/json'
};

export interface BuiltBridge {
  proc: ChildProcess;
  base: string;
}

/** Start `serve` with these extra args; resolves once it says it listens. */
export async function startBuiltBridge(args: string[]): Promise<BuiltBridge> {
  const proc = spawn(process.execPath, [BRIDGE, 'serve', '--port', '0', ...args], {
    env: { ...process.env, KUBEFLOW_BRIDGE_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stderr = '';
  proc.stderr!.on('data', d => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', d => {
      out += d;
      const line = out.split('\n').find(l => l.includes('"listening"'));
      if (line) {
        resolve(JSON.parse(line).port);
      }
    });
    proc.once('exit', code => reject(new Error(`bridge exited ${code}: ${stderr}`)));
  });
  return { proc, base: `http://127.0.0.1:${port}` };
}

/** A JSON request to a built bridge, as the user `dana`. */
export async function api(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, {
    method,
    headers: HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  return res.json();
}

/** SIGTERM every bridge still running and wait for it (afterEach). */
export async function stopAll(bridges: ChildProcess[]): Promise<void> {
  for (const b of bridges.splice(0)) {
    if (b.exitCode === null && b.signalCode === null) {
      b.kill('SIGTERM');
      await new Promise(resolve => b.once('exit', resolve));
    }
  }
}
