/**
 * Reconnect delays: exponential from `initial`, capped at `max`, with up to
 * 20% jitter so that many tabs do not reconnect in the same millisecond
 * after a bridge restart.
 */
export interface BackoffOptions {
  initial: number;
  max: number;
  /** 0..1, the share of a delay that may be random; default 0.2. */
  jitter?: number;
}

export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random
): number {
  const base = Math.min(options.max, options.initial * 2 ** Math.max(0, attempt - 1));
  const jitter = options.jitter ?? 0.2;
  return Math.round(base * (1 - jitter * random()));
}
