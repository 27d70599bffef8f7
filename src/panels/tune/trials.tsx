/**
 * The trial table: parameters, the objective and the other metrics, state,
 * duration and run; a click on a heading sorts by it, a click on a trial
 * opens its run (Katib trials have none here: they ran on Kubeflow).
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { StudyRecord, TrialRecord } from '../../../core/src/tuning';
import type { ISort } from './series';

export interface ITrialTableProps {
  trials: TrialRecord[];
  parameters: string[];
  objective: string;
  metrics: string[];
  sort: ISort;
  best: number | null;
  onSort: (key: string) => void;
  onOpen: (trial: TrialRecord) => void;
  trans: TranslationBundle;
}

const show = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v));

/** A trial opens its run; a Katib trial (or one not started yet) has none here. */
export const canOpen = (t: TrialRecord): boolean => t.run !== null;

/** The row's tooltip: the run it opens, or why it opens nothing. */
export function trialTitle(t: TrialRecord, trans: TranslationBundle): string {
  const why = t.error ? ` (${t.error})` : '';
  if (t.run) {
    return trans.__('Open run %1', t.run);
  }
  if (t.name) {
    return trans.__('Trial %1 ran on Kubeflow (Katib): there is no local run to open', t.name) + why;
  }
  return trans.__('No run yet') + why;
}

/** A Katib study in words: its Experiment, namespace, Katib's condition and counters, the trial budget. */
export function katibText(r: StudyRecord, trans: TranslationBundle): string {
  const where = trans.__('Katib Experiment %1 in namespace %2', r.experiment ?? '?', r.namespace ?? '?');
  const k = r.katib;
  if (!k) {
    return `${where} · ${trans.__('no status from Katib yet')}`;
  }
  const said = [k.reason, k.message].filter(Boolean).join(': ');
  const condition = k.condition ? `${trans.__('Katib: %1', k.condition)}${said ? ` (${said})` : ''}` : trans.__('no condition from Katib yet');
  const c = k.counts;
  const counts = trans.__('%1 of at most %2 trials: %3 succeeded, %4 failed, %5 running, %6 pending', c.trials, k.maxTrialCount, c.succeeded, c.failed, c.running, c.pending);
  const optimal = k.optimalTrial ? ` · ${trans.__('optimal trial %1', k.optimalTrial)}` : '';
  return `${where} · ${condition} · ${counts}${optimal}`;
}

/** The state, with Katib's own condition when it says more (Created, EarlyStopped, Killed...). */
export function stateText(t: TrialRecord): string {
  return t.condition && t.condition.toLowerCase() !== t.state ? `${t.state} (${t.condition})` : t.state;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) {
    return '';
  }
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function TrialTable(props: ITrialTableProps): React.ReactElement {
  const { trans, sort } = props;
  const others = props.metrics.filter(m => m !== props.objective);
  const columns: Array<[string, string]> = [
    ['number', '#'],
    ...props.parameters.map((p): [string, string] => [`param:${p}`, p]),
    ['objective', props.objective],
    ...others.map((m): [string, string] => [`metric:${m}`, m]),
    ['state', trans.__('State')],
    ['duration', trans.__('Duration')]
  ];
  return (
    <table className="jp-KubeflowTune-trials">
      <thead>
        <tr>
          {columns.map(([key, label]) => (
            <th
              key={key}
              data-sort={key}
              aria-sort={sort.key === key ? (sort.ascending ? 'ascending' : 'descending') : 'none'}
              onClick={() => props.onSort(key)}
              title={trans.__('Sort by %1', label)}
            >
              {label}
              {sort.key === key ? (sort.ascending ? ' ▲' : ' ▼') : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.trials.map(t => (
          <tr
            key={t.number}
            data-trial={t.number}
            data-state={t.state}
            data-trial-name={t.name}
            className={[t.number === props.best ? 'jp-mod-best' : '', canOpen(t) ? 'jp-mod-openable' : ''].join(' ').trim() || undefined}
            title={trialTitle(t, trans)}
            aria-disabled={!canOpen(t) || undefined}
            {...(canOpen(t) ? { tabIndex: 0, onClick: () => props.onOpen(t), onKeyDown: (e: React.KeyboardEvent) => e.key === 'Enter' && props.onOpen(t) } : {})}
          >
            <td>{t.number}</td>
            {props.parameters.map(p => (
              <td key={p} data-col={`param:${p}`}>{show(t.parameters[p])}</td>
            ))}
            <td data-col="objective">{show(t.objective)}</td>
            {others.map(m => (
              <td key={m} data-col={`metric:${m}`}>{show(t.metrics?.[m])}</td>
            ))}
            <td data-col="state">
              <span className={`jp-KubeflowTune-state jp-mod-${t.state}`} data-condition={t.condition}>{stateText(t)}</span>
            </td>
            <td data-col="duration">{formatDuration(t.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
