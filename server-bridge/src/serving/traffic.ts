/**
 * The router's memory: per-version counters (requests, errors, rewards),
 * which version answered each recent request (for feedback), and one
 * random source per deployment.
 *
 * Counters live in memory and are flushed to SQLite once a second (and on
 * shutdown), not committed per request: a commit with synchronous=FULL
 * would cost more than the prediction itself. A bridge killed by SIGKILL
 * loses at most the last second of counts, which only nudges a bandit.
 * The request -> version map is memory only and bounded (the last 100 000
 * requests): feedback names a recent request, and feedback for one the
 * bridge no longer remembers is refused (404), not guessed.
 */
import { randomUUID } from 'node:crypto';
import { choose, Live } from './policy';
import { Random, seededRandom, systemRandom } from './rng';
import type { DeploymentRecord, VersionStats } from './types';

export const REMEMBERED_REQUESTS = 100_000;

type Key = string; // `${deployment}\0${version}`
const keyOf = (deployment: string, version: string): Key => `${deployment}\0${version}`;

export class Traffic {
  private stats = new Map<Key, VersionStats>();
  private dirty = new Set<Key>();
  private rngs = new Map<string, Random>();
  private requests = new Map<string, { deployment: string; version: string; rewarded: boolean }>();
  private timer: NodeJS.Timeout;

  constructor(
    private flush: (rows: { deployment: string; version: string; stats: VersionStats }[]) => void,
    flushEveryMs = 1000
  ) {
    this.timer = setInterval(() => this.flushNow(), flushEveryMs);
    this.timer.unref();
  }

  /** Counters of a version (the store's, until this bridge has counted more). */
  statsOf(deployment: string, version: string, stored: VersionStats): VersionStats {
    const key = keyOf(deployment, version);
    if (!this.stats.has(key)) {
      this.stats.set(key, { ...stored });
    }
    return this.stats.get(key)!;
  }

  /** The routing changed (new seed, new mode): start its random source again. */
  reset(deployment: string): void {
    this.rngs.delete(deployment);
  }

  forget(deployment: string): void {
    this.rngs.delete(deployment);
    for (const key of [...this.stats.keys()]) {
      if (key.startsWith(`${deployment}\0`)) {
        this.stats.delete(key);
        this.dirty.delete(key);
      }
    }
  }

  /** Picks the version for one request and records it; returns it with a request id. */
  route(deployment: DeploymentRecord): { version: string; requestId: string } {
    const live: Live[] = deployment.versions
      .filter(v => v.role !== 'retired')
      .map(v => ({ id: v.id, role: v.role, stats: this.statsOf(deployment.name, v.id, v.stats) }));
    const chosen = choose(deployment.routing, live, this.rngOf(deployment));
    const requestId = randomUUID();
    this.requests.set(requestId, { deployment: deployment.name, version: chosen.id, rewarded: false });
    if (this.requests.size > REMEMBERED_REQUESTS) {
      this.requests.delete(this.requests.keys().next().value!);
    }
    return { version: chosen.id, requestId };
  }

  /** Counts an answered (or failed) request for the version that took it. */
  answered(deployment: string, version: string, ok: boolean): void {
    const s = this.stats.get(keyOf(deployment, version));
    if (s) {
      s.requests += 1;
      s.errors += ok ? 0 : 1;
      this.dirty.add(keyOf(deployment, version));
    }
  }

  /** The version that answered `requestId`, or null when it is not remembered. */
  requestOf(requestId: string): { deployment: string; version: string; rewarded: boolean } | null {
    return this.requests.get(requestId) ?? null;
  }

  /** A reward in [0, 1] for the version that answered `requestId` (once per request). */
  reward(requestId: string, reward: number): { deployment: string; version: string } {
    const request = this.requests.get(requestId)!;
    const s = this.stats.get(keyOf(request.deployment, request.version))!;
    s.rewards += 1;
    s.rewardSum += reward;
    request.rewarded = true;
    this.dirty.add(keyOf(request.deployment, request.version));
    return { deployment: request.deployment, version: request.version };
  }

  /** Writes changed counters now; returns the deployments that changed. */
  flushNow(): string[] {
    const rows = [...this.dirty].map(key => {
      const [deployment, version] = key.split('\0');
      return { deployment, version, stats: { ...this.stats.get(key)! } };
    });
    this.dirty.clear();
    if (rows.length > 0) {
      this.flush(rows);
    }
    return [...new Set(rows.map(r => r.deployment))];
  }

  close(): void {
    clearInterval(this.timer);
    this.flushNow();
  }

  private rngOf(deployment: DeploymentRecord): Random {
    let rng = this.rngs.get(deployment.name);
    if (!rng) {
      const seed = deployment.routing.seed;
      rng = seed === undefined ? systemRandom : seededRandom(seed);
      this.rngs.set(deployment.name, rng);
    }
    return rng;
  }
}
