/**
 * Traffic controls: the challenger's share (a slider, applied when the user
 * stops moving it), the routing policy (fixed split, epsilon-greedy with its
 * epsilon, Thompson sampling), and promote / roll back.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { DeploymentWire, RoutingWire } from '../../../core/src/protocol';
import { challenger } from './format';

export interface ITrafficActions {
  setShare(percent: number): void;
  setRouting(routing: RoutingWire): void;
  promote(): void;
  rollback(): void;
}

/** Wait this long after the last slider move before applying it. */
export const SHARE_DEBOUNCE_MS = 400;

export function ShareSlider(props: { value: number; disabled: boolean; onCommit: (v: number) => void; trans: TranslationBundle }): React.ReactElement {
  const { value, disabled, onCommit, trans } = props;
  const [draft, setDraft] = React.useState(value);
  const timer = React.useRef<ReturnType<typeof setTimeout> | null>(null);
  React.useEffect(() => setDraft(value), [value]);
  React.useEffect(() => () => {
    if (timer.current) {
      clearTimeout(timer.current);
    }
  }, []);
  const move = (next: number) => {
    setDraft(next);
    if (timer.current) {
      clearTimeout(timer.current);
    }
    timer.current = setTimeout(() => onCommit(next), SHARE_DEBOUNCE_MS);
  };
  return (
    <label className="jp-KubeflowDeploy-share">
      {trans.__('Challenger share')}
      <input
        type="range"
        name="share"
        min={0}
        max={100}
        step={1}
        value={draft}
        disabled={disabled}
        onChange={e => move(Number(e.target.value))}
      />
      <output data-share-value={draft}>{draft}%</output>
    </label>
  );
}

function RoutingForm(props: { routing: RoutingWire; disabled: boolean; onApply: (r: RoutingWire) => void; trans: TranslationBundle }): React.ReactElement {
  const { routing, disabled, onApply, trans } = props;
  const [mode, setMode] = React.useState<RoutingWire['mode']>(routing.mode);
  const [epsilon, setEpsilon] = React.useState(routing.mode === 'epsilon-greedy' ? String(routing.epsilon) : '0.1');
  React.useEffect(() => setMode(routing.mode), [routing.mode]);
  const eps = Number(epsilon);
  const epsOk = epsilon.trim() !== '' && eps >= 0 && eps <= 1;
  const apply = () => {
    if (mode === 'split') {
      onApply({ mode: 'split', challengerPercent: routing.mode === 'split' ? routing.challengerPercent : 0 });
    } else if (mode === 'epsilon-greedy') {
      onApply({ mode, epsilon: eps });
    } else {
      onApply({ mode: 'thompson', prior: { alpha: 1, beta: 1 } });
    }
  };
  return (
    <div className="jp-KubeflowDeploy-routing">
      <label>
        {trans.__('Routing')}{' '}
        <select name="routing" value={mode} disabled={disabled} onChange={e => setMode(e.target.value as RoutingWire['mode'])}>
          <option value="split">{trans.__('Fixed split')}</option>
          <option value="epsilon-greedy">{trans.__('Epsilon-greedy')}</option>
          <option value="thompson">{trans.__('Thompson sampling')}</option>
        </select>
      </label>
      {mode === 'epsilon-greedy' && (
        <label>
          ε{' '}
          <input name="epsilon" type="number" min={0} max={1} step={0.05} value={epsilon} onChange={e => setEpsilon(e.target.value)} />
        </label>
      )}
      <button
        className="jp-Button jp-mod-styled"
        data-action="apply-routing"
        disabled={disabled || (mode === 'epsilon-greedy' && !epsOk)}
        onClick={apply}
      >
        {trans.__('Apply')}
      </button>
      {mode !== 'split' && (
        <p className="jp-KubeflowDeploy-hint">
          {trans.__('Bandits learn from rewards posted to the feedback endpoint (request_id, reward from 0 to 1).')}
        </p>
      )}
      {mode === 'epsilon-greedy' && !epsOk && <p className="jp-KubeflowDeploy-error">{trans.__('ε must be from 0 to 1')}</p>}
    </div>
  );
}

export function TrafficControls(props: { d: DeploymentWire; busy: boolean; actions: ITrafficActions; trans: TranslationBundle }): React.ReactElement {
  const { d, busy, actions, trans } = props;
  const c = challenger(d);
  const retired = d.versions.some(v => v.role === 'retired');
  return (
    <div className="jp-KubeflowDeploy-traffic">
      {c && d.routing.mode === 'split' && (
        <ShareSlider value={d.routing.challengerPercent} disabled={busy} onCommit={actions.setShare} trans={trans} />
      )}
      <RoutingForm routing={d.routing} disabled={busy} onApply={actions.setRouting} trans={trans} />
      <div className="jp-KubeflowDeploy-buttons">
        <button className="jp-Button jp-mod-styled jp-mod-accept" data-action="promote" disabled={busy || !c} onClick={actions.promote}>
          {trans.__('Promote challenger')}
        </button>
        <button className="jp-Button jp-mod-styled jp-mod-warn" data-action="rollback" disabled={busy || (!c && !retired)} onClick={actions.rollback}>
          {c ? trans.__('Roll back challenger') : trans.__('Roll back to previous champion')}
        </button>
      </div>
    </div>
  );
}
