/**
 * BridgeConnection against a real HTTP + WebSocket server on loopback that
 * speaks the bridge protocol as the Jupyter proxy serves it
 * (`/kubeflow/api/health`, `/kubeflow/api/events`).
 */
import { createServer, Server } from 'http';
import type { AddressInfo } from 'net';
import { WebSocketServer } from 'ws';
import { ServerConnection } from '@jupyterlab/services';
import { BridgeClient } from '../service/client';
import { BridgeConnection, ConnectionStatus, IConnectionState } from '../service/connection';

interface FakeBridge {
  /** 'up': greet; 'restarting': refuse sockets, health 503; 'forbidden': health 403. */
  mode: 'up' | 'restarting' | 'forbidden';
  user: string;
}

let http: Server;
let wss: WebSocketServer;
let bridge: FakeBridge;
let connection: BridgeConnection;
let port: number;

beforeEach(async () => {
  bridge = { mode: 'up', user: 'alice' };
  wss = new WebSocketServer({ noServer: true });
  http = createServer((req, res) => {
    if (req.url?.startsWith('/kubeflow/api/health')) {
      const [status, body] =
        bridge.mode === 'up'
          ? [200, { version: '1.2.3', engines: ['local'], user: bridge.user }]
          : bridge.mode === 'restarting'
            ? [503, { error: { code: 503, message: 'the Kubeflow bridge is restarting' } }]
            : [403, { error: { code: 403, message: 'Forbidden: not your server' } }];
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  http.on('upgrade', (req, socket, head) => {
    if (bridge.mode !== 'up' || !req.url?.startsWith('/kubeflow/api/events')) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, ws =>
      ws.send(JSON.stringify({ type: 'hello', version: '1.2.3', engines: ['local'], user: bridge.user }))
    );
  });
  await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
  const settings = ServerConnection.makeSettings({
    baseUrl: `http://127.0.0.1:${port}/`,
    wsUrl: `ws://127.0.0.1:${port}/`,
    token: ''
  });
  connection = new BridgeConnection(new BridgeClient(settings), { initial: 50, max: 200 });
});

afterEach(async () => {
  connection.dispose();
  for (const client of wss.clients) {
    client.terminate();
  }
  wss.close();
  http.closeAllConnections();
  await new Promise(resolve => http.close(resolve));
});

function until(status: ConnectionStatus, predicate: (s: IConnectionState) => boolean = () => true) {
  return new Promise<IConnectionState>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still ${connection.state.status}, wanted ${status}`)),
      5000
    );
    const check = () => {
      const s = connection.state;
      if (s.status === status && predicate(s)) {
        clearTimeout(timer);
        connection.stateChanged.disconnect(check);
        resolve(s);
      }
    };
    connection.stateChanged.connect(check);
    check();
  });
}

describe('BridgeConnection', () => {
  it('starts connecting and is connected once the bridge greets it', async () => {
    const seen: ConnectionStatus[] = [];
    connection.stateChanged.connect((_, s) => seen.push(s.status));
    connection.start();
    const state = await until('connected');
    expect(seen[0]).toBe('connecting');
    expect(state.facts).toEqual({ version: '1.2.3', engines: ['local'], user: 'alice' });
    expect(state.attempt).toBe(0);
  });

  it('says it is reconnecting while the bridge restarts, then reconnects', async () => {
    connection.start();
    await until('connected');
    bridge.mode = 'restarting';
    for (const client of wss.clients) {
      client.close(1012);
    }
    const down = await until('reconnecting', s => s.retryAt !== null);
    expect(down.message).toBe('the Kubeflow bridge is restarting');
    await until('reconnecting', s => s.attempt >= 2);
    bridge.mode = 'up';
    bridge.user = 'alice2';
    const back = await until('connected');
    expect(back.attempt).toBe(0);
    expect(back.facts?.user).toBe('alice2');
  });

  it('reports an error with the server message when health is refused, and keeps trying', async () => {
    bridge.mode = 'forbidden';
    connection.start();
    const failed = await until('error');
    expect(failed.message).toBe('Forbidden: not your server');
    expect(failed.retryAt).not.toBeNull();
    bridge.mode = 'up';
    await until('connected');
  });

  it('passes other events on and stops for good when disposed', async () => {
    const events: unknown[] = [];
    connection.event.connect((_, e) => events.push(e));
    connection.start();
    await until('connected');
    for (const client of wss.clients) {
      client.send(JSON.stringify({ type: 'run', id: 'r1' }));
      client.send('not json');
    }
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(events).toEqual([{ type: 'run', id: 'r1' }]);
    connection.dispose();
    const connects = wss.clients.size;
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(wss.clients.size).toBeLessThanOrEqual(connects);
    expect(connection.isDisposed).toBe(true);
  });
});
