/**
 * The bandits on a simulated reward stream: the champion answers right 40 %
 * of the time, the challenger 70 %. With a fixed seed, within 1000 requests
 * each policy sends at least 80 % of the last 200 to the challenger; the
 * fixed split stays at its share; the gate compares as documented.
 */
import { checkGate } from '../../src/serving/gate';
import { seededRandom } from '../../src/serving/rng';
import { Traffic } from '../../src/serving/traffic';
import type { DeploymentRecord, Routing } from '../../src/serving/types';

const stats = () => ({ requests: 0, errors: 0, rewards: 0, rewardSum: 0 });
const version = (id: string, role: 'champion' | 'challenger') => ({
  id, role, run: 'r', task: 't', output: 'model', path: '/x', format: 'joblib', modelType: null,
  metrics: {}, python: 'python3', createdAt: 0, stats: stats()
});
const deployment = (routing: Routing): DeploymentRecord => ({
  name: 'iris', user: null, createdAt: 0, updatedAt: 0, routing, gate: null,
  versions: [version('v1', 'champion'), version('v2', 'challenger')]
});

const TRUE_RATE: { [v: string]: number } = { v1: 0.4, v2: 0.7 };
const REQUESTS = 1000;

function simulate(routing: Routing): { lastShare: number; flushed: number } {
  let flushed = 0;
  const traffic = new Traffic(rows => (flushed += rows.length), 1e9);
  const world = seededRandom(7); // the users' answers: a stream of its own
  const d = deployment(routing);
  const chosen: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const { version: v, requestId } = traffic.route(d);
    traffic.answered('iris', v, true);
    chosen.push(v);
    traffic.reward(requestId, world.next() < TRUE_RATE[v] ? 1 : 0);
  }
  traffic.close();
  const last = chosen.slice(-200);
  return { lastShare: last.filter(v => v === 'v2').length / last.length, flushed };
}

describe('bandit routing', () => {
  it.each([
    ['epsilon-greedy', { mode: 'epsilon-greedy', epsilon: 0.1, seed: 42 } as Routing],
    ['thompson', { mode: 'thompson', prior: { alpha: 1, beta: 1 }, seed: 42 } as Routing]
  ])('%s moves traffic to the better version within %#', (_name, routing) => {
    const { lastShare, flushed } = simulate(routing);
    expect(lastShare).toBeGreaterThanOrEqual(0.8);
    expect(flushed).toBe(2); // both versions' counters written on close
  });

  it('repeats exactly with the same seed', () => {
    const routing: Routing = { mode: 'thompson', prior: { alpha: 1, beta: 1 }, seed: 3 };
    expect(simulate(routing)).toEqual(simulate(routing));
  });

  it('keeps a fixed split at its share', () => {
    const traffic = new Traffic(() => undefined, 1e9);
    const d = deployment({ mode: 'split', challengerPercent: 25, seed: 1 });
    const n = 4000;
    let challenger = 0;
    for (let i = 0; i < n; i++) {
      challenger += traffic.route(d).version === 'v2' ? 1 : 0;
    }
    traffic.close();
    expect(challenger / n).toBeGreaterThan(0.22);
    expect(challenger / n).toBeLessThan(0.28);
  });
});

describe('the gate', () => {
  const gate = { metric: 'accuracy', direction: 'maximize' as const, margin: 0.01 };
  it('passes a challenger better by the margin, refuses one that is not, with both numbers', () => {
    expect(checkGate(gate, { accuracy: 0.9 }, { accuracy: 0.92 }).passed).toBe(true);
    const refused = checkGate(gate, { accuracy: 0.9 }, { accuracy: 0.905 });
    expect(refused).toMatchObject({ passed: false, champion: { metric: 'accuracy', value: 0.9 }, challenger: { metric: 'accuracy', value: 0.905 } });
    expect(checkGate({ ...gate, margin: 0 }, { accuracy: 0.9 }, { accuracy: 0.9 }).passed).toBe(false);
  });
  it('minimizes, and refuses when a metric is missing', () => {
    const loss = { metric: 'loss', direction: 'minimize' as const, margin: 0 };
    expect(checkGate(loss, { loss: 0.5 }, { loss: 0.4 }).passed).toBe(true);
    expect(checkGate(loss, { loss: 0.5 }, { loss: 0.6 }).passed).toBe(false);
    expect(checkGate(loss, { loss: 0.5 }, {}).reason).toBe('the challenger has no metric loss');
  });
});
