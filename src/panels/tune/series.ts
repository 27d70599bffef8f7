/**
 * What the Tune view draws, computed from the trials: the table's order,
 * the best trial, the objective against trial number with its best-so-far
 * line, and the parallel-coordinates lines (every axis scaled to 0..1).
 * Pure functions; the SVG views only map 0..1 to pixels.
 */
import type { Direction, SearchParameter, TrialRecord } from '../../../core/src/tuning';

/** `number`, `state`, `duration`, `objective`, `param:NAME` or `metric:NAME`. */
export type SortKey = string;

export interface ISort {
  key: SortKey;
  ascending: boolean;
}

function sortValue(t: TrialRecord, key: SortKey): unknown {
  if (key === 'number') return t.number;
  if (key === 'state') return t.state;
  if (key === 'duration') return t.durationMs;
  if (key === 'objective') return t.objective;
  if (key.startsWith('param:')) return t.parameters[key.slice(6)];
  if (key.startsWith('metric:')) return t.metrics?.[key.slice(7)];
  return undefined;
}

/** Trials in the table's order; missing values last either way, ties by trial number. */
export function sortTrials(trials: readonly TrialRecord[], sort: ISort): TrialRecord[] {
  const sign = sort.ascending ? 1 : -1;
  return [...trials].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    const xMissing = x === null || x === undefined;
    const yMissing = y === null || y === undefined;
    if (xMissing || yMissing) {
      return xMissing === yMissing ? a.number - b.number : xMissing ? 1 : -1;
    }
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order !== 0 ? sign * order : a.number - b.number;
  });
}

const better = (direction: Direction) => (a: number, b: number) => (direction === 'maximize' ? a > b : a < b);

/** The best succeeded trial (the earliest of equals), or null. */
export function bestTrial(trials: readonly TrialRecord[], direction: Direction): TrialRecord | null {
  const beats = better(direction);
  let best: TrialRecord | null = null;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.state === 'succeeded' && t.objective !== null && (best === null || beats(t.objective, best.objective!))) {
      best = t;
    }
  }
  return best;
}

export interface IObjectivePoint {
  trial: number;
  value: number;
  /** The best objective of this and every earlier trial. */
  best: number;
}

/** Succeeded trials by number, each with the best so far. */
export function objectiveSeries(trials: readonly TrialRecord[], direction: Direction): IObjectivePoint[] {
  const beats = better(direction);
  const points: IObjectivePoint[] = [];
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.state !== 'succeeded' || t.objective === null) {
      continue;
    }
    const previous = points.length ? points[points.length - 1].best : null;
    points.push({ trial: t.number, value: t.objective, best: previous === null || beats(t.objective, previous) ? t.objective : previous });
  }
  return points;
}

export interface IAxis {
  name: string;
  /** Tick labels at 0 and 1 (numbers), or one per value (categories, spread over 0..1). */
  labels: string[];
  scale: (value: unknown) => number | null;
}

export interface IParallel {
  axes: IAxis[];
  /** One line per succeeded trial: a 0..1 position on every axis, the objective last. */
  lines: Array<{ trial: number; ys: number[] }>;
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));

function numericAxis(name: string, lo: number, hi: number, log: boolean): IAxis {
  const f = (x: number) => (log ? Math.log(x) : x);
  const span = f(hi) - f(lo);
  return {
    name,
    labels: [String(lo), String(hi)],
    scale: v => (typeof v !== 'number' || (log && v <= 0) ? null : span > 0 ? clamp((f(v) - f(lo)) / span) : 0.5)
  };
}

function categoryAxis(name: string, values: string[]): IAxis {
  return {
    name,
    labels: values,
    scale: v => {
      const i = values.indexOf(String(v));
      return i < 0 ? null : values.length === 1 ? 0.5 : i / (values.length - 1);
    }
  };
}

/** One axis per parameter (its search range, or the values tried) and the objective (the values seen). */
export function parallelCoordinates(trials: readonly TrialRecord[], parameters: readonly SearchParameter[], objective: string): IParallel {
  const done = trials.filter(t => t.state === 'succeeded' && t.objective !== null).sort((a, b) => a.number - b.number);
  const axes = parameters.map(p => {
    if (p.type === 'categorical' || p.type === 'discrete') {
      const seen = done.map(t => String(t.parameters[p.name]));
      return categoryAxis(p.name, [...new Set([...(p.list ?? []).map(String), ...seen])]);
    }
    const values = done.map(t => t.parameters[p.name]).filter((v): v is number => typeof v === 'number');
    const lo = p.min ?? Math.min(...values);
    const hi = p.max ?? Math.max(...values);
    return numericAxis(p.name, lo, hi, !!p.log && lo > 0);
  });
  const objectives = done.map(t => t.objective!);
  axes.push(objectives.length ? numericAxis(objective, Math.min(...objectives), Math.max(...objectives), false) : categoryAxis(objective, []));
  const lines = done.map(t => ({
    trial: t.number,
    ys: axes.map((axis, i) => axis.scale(i < parameters.length ? t.parameters[parameters[i].name] : t.objective) ?? 0)
  }));
  return { axes, lines };
}
