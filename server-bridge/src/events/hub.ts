/**
 * The events channel: one WebSocket per open panel. Each client is greeted
 * with the bridge's facts, then receives every event published to a topic it
 * watches. Later engines publish run and task state here, so every
 * collaborator sees the same run live.
 */
import { WebSocket, WebSocketServer } from 'ws';
import type { Caller } from '../http/auth';
import type { Logger } from '../log';
import type { BridgeEventBase, HelloEvent } from '../../../core/src/protocol';

export interface BridgeFacts {
  version: string;
  engines: readonly string[];
}

export type BridgeEvent = BridgeEventBase;

/** Clients that miss this many pings in a row are dropped. */
const PING_INTERVAL_MS = 30_000;

export class EventHub {
  readonly server: WebSocketServer;
  private alive = new WeakSet<WebSocket>();
  /** Who is behind each socket, for events meant for some users only. */
  private callers = new WeakMap<WebSocket, Caller>();
  private timer: NodeJS.Timeout;

  constructor(
    private facts: BridgeFacts,
    private log: Logger
  ) {
    // noServer: the HTTP server authenticates the upgrade before handing it over.
    this.server = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
    this.timer = setInterval(() => this.sweep(), PING_INTERVAL_MS);
    this.timer.unref();
  }

  /** Number of connected clients. */
  get size(): number {
    return this.server.clients.size;
  }

  accept(socket: WebSocket, caller: Caller): void {
    this.alive.add(socket);
    this.callers.set(socket, caller);
    socket.on('pong', () => this.alive.add(socket));
    socket.on('error', err => this.log.warning('events socket error', { error: String(err) }));
    socket.on('message', () => {
      // Clients only listen for now; a message is not an error.
    });
    const hello: HelloEvent = {
      type: 'hello',
      version: this.facts.version,
      engines: this.facts.engines,
      user: caller.user
    };
    this.send(socket, hello);
    this.log.info('events client connected', { user: caller.user, clients: this.size });
  }

  /**
   * Send an event to every connected client, or only to the clients whose
   * caller `to` accepts (e.g. Kubernetes object status: only users whose own
   * service account may read the object).
   */
  publish(event: BridgeEvent, to?: (caller: Caller) => boolean): void {
    for (const client of this.server.clients) {
      const caller = this.callers.get(client);
      if (to === undefined || (caller !== undefined && to(caller))) {
        this.send(client, event);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const client of this.server.clients) {
      client.close(1001, 'bridge shutting down');
    }
    this.server.close();
  }

  private send(socket: WebSocket, event: BridgeEvent | HelloEvent): void {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(event));
    }
  }

  private sweep(): void {
    for (const client of this.server.clients) {
      if (!this.alive.has(client)) {
        client.terminate();
        continue;
      }
      this.alive.delete(client);
      client.ping();
    }
  }
}
