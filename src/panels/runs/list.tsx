/**
 * The runs table (state with the engine's badge and a Kubeflow run's KFP
 * run id, started, duration, parameters, metrics; open, rerun, cancel, pick
 * for comparison) and the comparison of two runs.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { RunWire } from '../../../core/src/protocol';
import { ICompareRow, showValue } from './compare';
import { elapsedMs, formatDuration, isFinished } from './progress';

export interface IRunActions {
  open(run: RunWire): void;
  rerun(run: RunWire): void;
  cancel(run: RunWire): void;
  toggleCompare(run: RunWire): void;
}

function pairs(values: { [name: string]: unknown } | null): string {
  return Object.entries(values ?? {})
    .map(([k, v]) => `${k}=${showValue(v)}`)
    .join(', ');
}

function EngineBadge(props: { run: RunWire; trans: TranslationBundle }): React.ReactElement {
  const { run, trans } = props;
  const remote = run.engine === 'kubeflow' ? run.remote : null;
  if (!remote) {
    return (
      <span className="jp-KubeflowRuns-engine" data-engine="local" title={trans.__('Ran on this machine')}>
        {trans.__('local')}
      </span>
    );
  }
  return (
    <>
      <span
        className="jp-KubeflowRuns-engine jp-mod-kubeflow"
        data-engine="kubeflow"
        title={trans.__('Kubeflow Pipelines: experiment %1, namespace %2, service account %3', remote.experiment, remote.namespace, remote.serviceAccount)}
      >
        {trans.__('KFP')}
      </span>
      <span className="jp-KubeflowRuns-remote" data-kfp-run={remote.runId} title={trans.__('KFP run id %1', remote.runId)}>
        {remote.runId}
      </span>
    </>
  );
}

function started(run: RunWire): string {
  const when = new Date(run.startedAt ?? run.createdAt);
  const today = new Date().toDateString() === when.toDateString();
  return today ? when.toLocaleTimeString() : when.toLocaleString();
}

export function RunsTable(props: {
  runs: readonly RunWire[];
  selected: string | null;
  compared: readonly string[];
  now: number;
  actions: IRunActions;
  trans: TranslationBundle;
}): React.ReactElement {
  const { runs, selected, compared, now, actions, trans } = props;
  if (!runs.length) {
    return <p className="jp-KubeflowRuns-empty">{trans.__('No runs of this notebook yet.')}</p>;
  }
  return (
    <table className="jp-KubeflowRuns-table">
      <thead>
        <tr>
          <th title={trans.__('Pick two runs to compare')}>⇄</th>
          <th>{trans.__('State')}</th>
          <th>{trans.__('Started')}</th>
          <th>{trans.__('Duration')}</th>
          <th>{trans.__('Parameters')}</th>
          <th>{trans.__('Metrics')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map(run => (
          <tr
            key={run.id}
            data-run={run.id}
            data-state={run.state}
            className={run.id === selected ? 'jp-mod-selected' : undefined}
            onClick={() => actions.open(run)}
            title={trans.__('Run %1: click to show its states in the DAG', run.id)}
          >
            <td onClick={event => event.stopPropagation()}>
              <input
                type="checkbox"
                data-action="compare"
                aria-label={trans.__('Compare run %1', run.id)}
                checked={compared.includes(run.id)}
                onChange={() => actions.toggleCompare(run)}
              />
            </td>
            <td>
              <span className={`jp-KubeflowRuns-state jp-mod-${run.state}`}>{run.state}</span>
              <EngineBadge run={run} trans={trans} />
            </td>
            <td>{started(run)}</td>
            <td className="jp-KubeflowRuns-duration">{formatDuration(elapsedMs(run, now))}</td>
            <td className="jp-KubeflowRuns-params">{pairs(run.parameters)}</td>
            <td className="jp-KubeflowRuns-metrics">{pairs(run.metrics)}</td>
            <td className="jp-KubeflowRuns-actions" onClick={event => event.stopPropagation()}>
              {isFinished(run) ? (
                <button className="jp-Button jp-mod-styled jp-mod-minimal" data-action="rerun" onClick={() => actions.rerun(run)}>
                  {trans.__('Rerun')}
                </button>
              ) : (
                <button className="jp-Button jp-mod-styled jp-mod-minimal" data-action="cancel" onClick={() => actions.cancel(run)}>
                  {trans.__('Cancel')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CompareTable(props: {
  a: RunWire;
  b: RunWire;
  rows: ICompareRow[];
  trans: TranslationBundle;
}): React.ReactElement {
  const { a, b, rows, trans } = props;
  return (
    <table className="jp-KubeflowRuns-compare">
      <thead>
        <tr>
          <th />
          <th>{a.id}</th>
          <th>{b.id}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(row => (
          <tr key={`${row.kind}-${row.name}`} data-kind={row.kind} data-name={row.name} className={row.differs ? 'jp-mod-differs' : undefined}>
            <th>
              {row.name} <span className="jp-KubeflowRuns-kind">{row.kind === 'metric' ? trans.__('metric') : trans.__('parameter')}</span>
            </th>
            <td>{row.a}</td>
            <td>{row.b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
