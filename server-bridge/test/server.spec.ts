/**
 * The bridge's front door on a real loopback socket: real HTTP requests and
 * a real WebSocket client.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createBridgeServer, BridgeServer } from '../src/http/server';
import { createLogger } from '../src/log';
import { VERSION } from '../src/version';

const SECRET = 'test-secret-0123456789';
const KERNEL = 'kernel-token-0123456789';

let bridge: BridgeServer;
let base: string;
let logLines: string[];

beforeEach(async () => {
  logLines = [];
  bridge = createBridgeServer(
    { secret: SECRET, kernelToken: KERNEL, owner: 'owner-user' },
    createLogger(line => logLines.push(line))
  );
  await new Promise<void>(resolve => bridge.http.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(bridge.http.address() as AddressInfo).port}`;
});

afterEach(() => bridge.close());

const asUser = (user: string) => ({
  'X-Kubeflow-Bridge-Secret': SECRET,
  'X-Kubeflow-User': user
});

describe('GET /api/health', () => {
  it('answers the server extension with version, engines and the user', async () => {
    const res = await fetch(`http://${base}/api/health`, { headers: asUser('carol') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: VERSION, engines: ['local'], user: 'carol' });
  });

  it('answers a kernel as the owner', async () => {
    const res = await fetch(`http://${base}/api/health`, {
      headers: { Authorization: `Bearer ${KERNEL}` }
    });
    expect(((await res.json()) as { user: string }).user).toBe('owner-user');
  });

  it('refuses a request without the secret with 401 and logs no header', async () => {
    const res = await fetch(`http://${base}/api/health?token=jupyter-token`, {
      headers: { 'X-Kubeflow-Bridge-Secret': 'wrong-secret', 'X-Kubeflow-User': 'eve' }
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, message: 'not authenticated' } });
    const logged = logLines.join('');
    expect(JSON.parse(logLines[logLines.length - 1])).toMatchObject({
      level: 'warning',
      msg: 'unauthorized request',
      method: 'GET',
      path: '/api/health'
    });
    expect(logged).not.toContain('wrong-secret');
    expect(logged).not.toContain('jupyter-token');
  });

  it('says 404 for an unknown path and 405 for a wrong method', async () => {
    expect((await fetch(`http://${base}/api/nope`, { headers: asUser('a') })).status).toBe(404);
    const res = await fetch(`http://${base}/api/health`, { method: 'POST', headers: asUser('a') });
    expect(res.status).toBe(405);
  });
});

describe('the events WebSocket', () => {
  it('greets an authenticated client with the same facts as health', async () => {
    const ws = new WebSocket(`ws://${base}/api/events`, { headers: asUser('dave') });
    const hello = await new Promise<unknown>((resolve, reject) => {
      ws.once('message', data => resolve(JSON.parse(String(data))));
      ws.once('error', reject);
    });
    expect(hello).toEqual({ type: 'hello', version: VERSION, engines: ['local'], user: 'dave' });
    bridge.events.publish({ type: 'ping-test', n: 1 });
    const next = await new Promise<unknown>(resolve =>
      ws.once('message', data => resolve(JSON.parse(String(data))))
    );
    expect(next).toEqual({ type: 'ping-test', n: 1 });
    ws.close();
  });

  it('refuses an upgrade without the secret with 401', async () => {
    const ws = new WebSocket(`ws://${base}/api/events`);
    const status = await new Promise<number>(resolve => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });
});
