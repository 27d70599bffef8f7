/**
 * The promotion gate: a challenger replaces the champion only when its run's
 * metric beats the champion's by the margin. Pure, so the same rule serves
 * `promote`, `POST /api/deployments {promoteIf}` and the CLI.
 *
 * Beat means: improvement = challenger - champion (maximize) or
 * champion - challenger (minimize); it passes when improvement > 0 and
 * improvement >= margin. A missing metric on either side fails: a model
 * that cannot show it is better is not promoted.
 */
import type { Gate } from './types';

export interface GateResult {
  passed: boolean;
  gate: Gate;
  champion: { metric: string; value: number | null };
  challenger: { metric: string; value: number | null };
  /** Why, in words, for the 409 message and the CLI. */
  reason: string;
}

export function checkGate(
  gate: Gate,
  champion: { [name: string]: number } | null,
  challenger: { [name: string]: number } | null
): GateResult {
  const value = (metrics: { [name: string]: number } | null) => {
    const v = metrics?.[gate.metric];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const a = value(champion);
  const b = value(challenger);
  const base = { gate, champion: { metric: gate.metric, value: a }, challenger: { metric: gate.metric, value: b } };
  if (a === null || b === null) {
    const who = [a === null ? 'the champion' : '', b === null ? 'the challenger' : ''].filter(Boolean).join(' and ');
    return { ...base, passed: false, reason: `${who} has no metric ${gate.metric}` };
  }
  const improvement = gate.direction === 'maximize' ? b - a : a - b;
  const passed = improvement > 0 && improvement >= gate.margin - 1e-12;
  const word = gate.direction === 'maximize' ? 'higher' : 'lower';
  const reason = passed
    ? `${gate.metric} ${b} beats ${a} by ${round(improvement)} (margin ${gate.margin})`
    : `${gate.metric} ${b} does not beat the champion's ${a} by ${gate.margin} (${word} is better)`;
  return { ...base, passed, reason };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
