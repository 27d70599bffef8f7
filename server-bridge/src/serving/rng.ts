/**
 * A small seedable random source for the router: Math.random cannot be
 * seeded, and a bandit test or simulation must repeat exactly.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

/** mulberry32: 32 bits of state, fast, good enough for routing (not crypto). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
  };
}

export const systemRandom: Random = { next: () => Math.random() };

/** Standard normal (Box-Muller). */
function normal(rng: Random): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 by the boost trick. */
export function gamma(rng: Random, shape: number): number {
  if (shape < 1) {
    return gamma(rng, shape + 1) * Math.pow(1 - rng.next(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
      return d * v;
    }
  }
}

/** Beta(alpha, beta) as X / (X + Y) with X, Y Gamma-distributed. */
export function beta(rng: Random, alpha: number, b: number): number {
  const x = gamma(rng, alpha);
  const y = gamma(rng, b);
  return x / (x + y);
}
