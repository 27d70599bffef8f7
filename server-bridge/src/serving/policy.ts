/**
 * The router's choice: which live version answers a request. Pure: the
 * versions' stats and a random source in, a version id out, so the same
 * seed and the same feedback give the same choices (see the bandit spec).
 */
import { beta, Random } from './rng';
import type { Routing, VersionRecord, VersionStats } from './types';

export type Live = Pick<VersionRecord, 'id' | 'role'> & { stats: VersionStats };

/** Mean reward so far; a version with no feedback yet counts as best (try it). */
export function meanReward(stats: VersionStats): number {
  return stats.rewards === 0 ? Infinity : stats.rewardSum / stats.rewards;
}

export function choose(routing: Routing, live: Live[], rng: Random): Live {
  if (live.length === 0) {
    throw new Error('no live version to route to');
  }
  const champion = live.find(v => v.role === 'champion') ?? live[0];
  const challenger = live.find(v => v.role === 'challenger');
  if (!challenger) {
    return champion;
  }
  switch (routing.mode) {
    case 'split':
      return rng.next() * 100 < routing.challengerPercent ? challenger : champion;
    case 'epsilon-greedy': {
      if (rng.next() < routing.epsilon) {
        return live[Math.floor(rng.next() * live.length)];
      }
      // Ties (both untried, or equal means) go to the champion.
      return live.reduce((best, v) => (meanReward(v.stats) > meanReward(best.stats) ? v : best), champion);
    }
    case 'thompson': {
      const { alpha, beta: b } = routing.prior;
      let best = champion;
      let bestDraw = -1;
      for (const v of [champion, ...live.filter(x => x !== champion)]) {
        const failures = v.stats.rewards - v.stats.rewardSum;
        const draw = beta(rng, alpha + v.stats.rewardSum, b + failures);
        if (draw > bestDraw) {
          best = v;
          bestDraw = draw;
        }
      }
      return best;
    }
  }
}
