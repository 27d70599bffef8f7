/**
 * Bandit routing on KServe: the weights the bridge gives the InferenceGraph
 * Splitter. With a fixed seed they repeat exactly; rewards move the weight
 * to the better version; a split is the canary's percentages.
 */
import { percentages } from '../../../core/src/serving';
import { banditShares } from '../../src/serving/kserve/weights';
import type { VersionStats } from '../../src/serving/types';

const stats = (rewards: number, rewardSum: number): VersionStats => ({ requests: rewards, errors: 0, rewards, rewardSum });

describe('banditShares', () => {
  it('split: the challenger share as given', () => {
    expect(banditShares({ mode: 'split', challengerPercent: 30 }, [stats(0, 0), stats(0, 0)])).toEqual([70, 30]);
  });

  it('epsilon-greedy: 1 - epsilon to the best mean reward, epsilon shared', () => {
    const shares = banditShares({ mode: 'epsilon-greedy', epsilon: 0.2 }, [stats(20, 10), stats(20, 16)]);
    expect(percentages(shares)).toEqual([10, 90]);
    // Nothing known yet: the champion keeps the lead (ties go to it).
    expect(percentages(banditShares({ mode: 'epsilon-greedy', epsilon: 0.2 }, [stats(0, 0), stats(0, 0)]))).toEqual([90, 10]);
  });

  it('thompson: even before rewards, most weight to the better version after a batch, repeatable with the seed', () => {
    const routing = { mode: 'thompson' as const, prior: { alpha: 1, beta: 1 }, seed: 7 };
    const before = percentages(banditShares(routing, [stats(0, 0), stats(0, 0)]));
    expect(Math.abs(before[0] - 50)).toBeLessThanOrEqual(3);
    // One batch of 20 rewards each: 0.5 vs 0.8 success.
    const after = percentages(banditShares(routing, [stats(20, 10), stats(20, 16)]));
    expect(after[1]).toBeGreaterThan(90);
    expect(percentages(banditShares(routing, [stats(20, 10), stats(20, 16)]))).toEqual(after);
  });
});
