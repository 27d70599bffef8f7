/**
 * The trial table: parameters, the objective and the other metrics, state,
 * duration and run; a click on a heading sorts by it, a click on a trial
 * opens its run.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { TrialRecord } from '../../../core/src/tuning';
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
            className={t.number === props.best ? 'jp-mod-best' : undefined}
            title={t.run ? trans.__('Open run %1', t.run) : t.error ?? ''}
            tabIndex={0}
            onClick={() => props.onOpen(t)}
            onKeyDown={e => e.key === 'Enter' && props.onOpen(t)}
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
              <span className={`jp-KubeflowTune-state jp-mod-${t.state}`}>{t.state}</span>
            </td>
            <td data-col="duration">{formatDuration(t.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
