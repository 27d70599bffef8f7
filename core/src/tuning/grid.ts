/**
 * The grid of a `grid` study: every value of each parameter, from its step
 * or list. Katib enumerates the same points, so the size decides whether
 * Katib accepts maxTrialCount (it refuses one above the number of points).
 */
import type { SearchParameter } from './spec';

/** Ten significant digits: 0.1 + 2 * 0.1 is 0.3, not 0.30000000000000004. */
const tidy = (x: number) => Number(x.toPrecision(10));

/** The values of one parameter on the grid; null when it has none (a double without a step). */
export function gridValues(p: SearchParameter): Array<string | number | boolean> | null {
  if (p.type === 'categorical' || p.type === 'discrete') {
    return p.list ? [...p.list] : null;
  }
  if (p.min === undefined || p.max === undefined || !(p.min <= p.max)) {
    return null;
  }
  const step = p.step ?? (p.type === 'int' ? 1 : undefined);
  if (step === undefined || !(step > 0)) {
    return null;
  }
  // The small epsilon keeps an end that is a whole number of steps away.
  const count = Math.floor((p.max - p.min) / step + 1e-9) + 1;
  if (count > 100_000) {
    return null;
  }
  return Array.from({ length: count }, (_, i) => tidy(p.min! + i * step));
}

/** Number of grid points of the whole space (null when a parameter has no grid). */
export function gridSize(parameters: SearchParameter[]): number | null {
  let size = 1;
  for (const p of parameters) {
    const values = gridValues(p);
    if (values === null) {
      return null;
    }
    size *= values.length;
  }
  return size;
}
