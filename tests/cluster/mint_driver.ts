/**
 * Test driver for test_bridge_identity.py: the bridge's own token minting
 * (identity/tokens.ts, TokenRequest + cache) against the real API server,
 * with the bridge's kubeconfig. Minting has no HTTP route on purpose (tokens
 * never leave the bridge), so the test drives the module directly.
 * stdin: {kubeconfig, namespace, serviceAccount, audience}
 * stdout: {token, cachedSame} or {error: {status, message}}
 * Bundled on the fly by esbuild.
 */
import { readFileSync } from 'node:fs';
import { bridgeKubeConfig } from '../../server-bridge/src/identity/k8s';
import { TokenCache, tokenRequestMint } from '../../server-bridge/src/identity/tokens';
import { createLogger } from '../../server-bridge/src/log';

async function main(): Promise<void> {
  const req = JSON.parse(readFileSync(0, 'utf-8'));
  const cache = new TokenCache(await tokenRequestMint(await bridgeKubeConfig(req.kubeconfig), createLogger()));
  const key = { namespace: req.namespace, serviceAccount: req.serviceAccount, audience: req.audience };
  try {
    const [a, b] = await Promise.all([cache.get(key), cache.get(key)]);
    const c = await cache.get(key);
    process.stdout.write(JSON.stringify({ token: a, cachedSame: a === b && b === c }));
  } catch (err) {
    const e = err as { status?: number; message: string };
    process.stdout.write(JSON.stringify({ error: { status: e.status, message: e.message } }));
  }
}

void main();
