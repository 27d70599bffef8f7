/**
 * Bandit routing on KServe: the router is KServe's (an InferenceGraph
 * Splitter picks a version at random by weight for each request), so the
 * bridge cannot choose per request as it does locally. It turns the
 * rewards into weights instead, the probability each policy would send a
 * request to each version:
 * - epsilon-greedy: 1 - epsilon to the best mean reward, epsilon shared evenly;
 * - thompson: the probability that the version's Beta posterior draw is
 *   the highest (estimated with DRAWS seeded draws, so repeatable).
 * Weights change once per batch of feedback (KServeSettings.feedbackBatch).
 */
import { meanReward } from '../policy';
import { beta, seededRandom } from '../rng';
import type { Routing, VersionStats } from '../types';

export const DRAWS = 4000;

export function banditShares(routing: Routing, stats: VersionStats[]): number[] {
  const n = stats.length;
  if (n === 0) {
    return [];
  }
  switch (routing.mode) {
    case 'split':
      return n === 1 ? [100] : [100 - routing.challengerPercent, routing.challengerPercent];
    case 'epsilon-greedy': {
      const means = stats.map(meanReward);
      // Untried versions count as best (try them); ties go to the first (the champion).
      const best = means.reduce((b, m, i) => (m > means[b] ? i : b), 0);
      return stats.map((_, i) => routing.epsilon / n + (i === best ? 1 - routing.epsilon : 0));
    }
    case 'thompson': {
      const rng = seededRandom(routing.seed ?? 0);
      const wins = stats.map(() => 0);
      for (let d = 0; d < DRAWS; d++) {
        let bestI = 0;
        let bestDraw = -1;
        stats.forEach((s, i) => {
          const draw = beta(rng, routing.prior.alpha + s.rewardSum, routing.prior.beta + (s.rewards - s.rewardSum));
          if (draw > bestDraw) {
            bestDraw = draw;
            bestI = i;
          }
        });
        wins[bestI] += 1;
      }
      return wins.map(w => w / DRAWS);
    }
  }
}
