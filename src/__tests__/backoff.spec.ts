import { backoffDelay } from '../service/backoff';

describe('backoffDelay', () => {
  const options = { initial: 500, max: 10_000 };

  it('doubles from the initial delay up to the cap', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6, 7].map(n => backoffDelay(n, options, noJitter))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000
    ]);
  });

  it('takes off at most the jitter share', () => {
    expect(backoffDelay(2, options, () => 1)).toBe(800);
    expect(backoffDelay(2, { ...options, jitter: 0 }, () => 1)).toBe(1000);
  });
});
