/**
 * Words for a deployment: its state, its traffic (split or bandit, with each
 * version's counts and rewards), its gate, and a refused promotion with both
 * numbers. Pure functions of the wire shapes, shared by the views and tests.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { DeploymentWire, GateRefusedWire, GateWire, RoutingWire, VersionWire } from '../../../core/src/protocol';

export type DeploymentState = 'ready' | 'starting' | 'restarting' | 'failed' | 'stopped';

export function liveVersions(d: DeploymentWire): VersionWire[] {
  return d.versions.filter(v => v.role !== 'retired');
}

export function champion(d: DeploymentWire): VersionWire | null {
  return d.versions.find(v => v.role === 'champion') ?? null;
}

export function challenger(d: DeploymentWire): VersionWire | null {
  return d.versions.find(v => v.role === 'challenger') ?? null;
}

/** The worst state among the live versions' servers. */
export function deploymentState(d: DeploymentWire): DeploymentState {
  if (d.kserve) {
    return d.kserve.ready ? 'ready' : 'starting';
  }
  const states = liveVersions(d).map(v => v.server?.state ?? 'stopped');
  for (const s of ['failed', 'restarting', 'starting', 'stopped'] as const) {
    if (states.includes(s)) {
      return s;
    }
  }
  return states.length ? 'ready' : 'stopped';
}

/** `0.9667`: at most four decimals, no trailing zeros. */
export function showNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  return String(Math.round(value * 10_000) / 10_000);
}

export function metricsText(metrics: { [name: string]: number }): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${showNumber(v)}`)
    .join(', ');
}

export function routingName(routing: RoutingWire, trans: TranslationBundle): string {
  switch (routing.mode) {
    case 'split':
      return trans.__('fixed split');
    case 'epsilon-greedy':
      return trans.__('epsilon-greedy (ε = %1)', showNumber(routing.epsilon));
    case 'thompson':
      return trans.__('Thompson sampling (prior Beta(%1, %2))', routing.prior.alpha, routing.prior.beta);
  }
}

/** One version's share of a fixed split, in percent. */
export function shareOf(d: DeploymentWire, v: VersionWire): number | null {
  if (d.routing.mode !== 'split' || v.role === 'retired') {
    return null;
  }
  const percent = challenger(d) ? d.routing.challengerPercent : 0;
  return v.role === 'challenger' ? percent : 100 - percent;
}

function statsText(v: VersionWire, trans: TranslationBundle): string {
  const { requests, rewards, rewardSum } = v.stats;
  const mean = rewards ? trans.__(', mean reward %1', showNumber(rewardSum / rewards)) : '';
  return `${trans._n('%1 request', '%1 requests', requests)}, ${trans._n('%1 reward', '%1 rewards', rewards)}${mean}`;
}

/**
 * Fixed split: `champion v1 80% · challenger v2 20%`. Bandit: the policy,
 * then each live version's requests and rewards.
 */
export function trafficText(d: DeploymentWire, trans: TranslationBundle): string {
  const live = liveVersions(d);
  if (d.routing.mode === 'split') {
    return live.map(v => `${v.role} ${v.id} ${shareOf(d, v)}%`).join(' · ');
  }
  const parts = live.map(v => `${v.role} ${v.id}: ${statsText(v, trans)}`);
  return `${routingName(d.routing, trans)} · ${parts.join(' · ')}`;
}

export function gateText(gate: GateWire | null, trans: TranslationBundle): string {
  if (!gate) {
    return trans.__('No gate: any challenger can be promoted.');
  }
  const better = gate.direction === 'maximize' ? trans.__('higher') : trans.__('lower');
  return gate.margin > 0
    ? trans.__("Promotion needs the challenger's %1 %2 than the champion's by at least %3.", gate.metric, better, showNumber(gate.margin))
    : trans.__("Promotion needs the challenger's %1 %2 than the champion's.", gate.metric, better);
}

/** The message of a refused promotion (the 409 body): both numbers, and the rule. */
export function refusalText(body: GateRefusedWire, trans: TranslationBundle): string {
  const { gate, champion: a, challenger: b } = body;
  const better = gate.direction === 'maximize' ? trans.__('higher is better') : trans.__('lower is better');
  return trans.__(
    "Promotion refused: the challenger's %1 is %2, the champion's is %3 (%4, margin %5).",
    gate.metric,
    showNumber(b.value),
    showNumber(a.value),
    better,
    showNumber(gate.margin)
  );
}
