/**
 * The versions of a deployment: id, role, the run and output it serves, its
 * model server's state (with the reason when it failed), its share or its
 * bandit counts, and the metrics of the run that produced it.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { DeploymentWire, VersionWire } from '../../../core/src/protocol';
import { metricsText, shareOf, showNumber } from './format';

function Traffic(props: { d: DeploymentWire; v: VersionWire; trans: TranslationBundle }): React.ReactElement {
  const { d, v, trans } = props;
  const share = shareOf(d, v);
  const { requests, rewards, rewardSum } = v.stats;
  return (
    <>
      {share !== null && <span data-share={share}>{share}%</span>}
      <span className="jp-KubeflowDeploy-kind">
        {' '}
        {trans.__('%1 req', requests)}
        {rewards > 0 && ` · ${trans.__('reward %1 (%2)', showNumber(rewardSum / rewards), rewards)}`}
      </span>
    </>
  );
}

export function VersionsTable(props: { d: DeploymentWire; trans: TranslationBundle }): React.ReactElement {
  const { d, trans } = props;
  // Live versions first (champion, challenger), then the retired ones, newest first.
  const order = { champion: 0, challenger: 1, retired: 2 };
  const versions = [...d.versions].sort((a, b) => order[a.role] - order[b.role] || b.createdAt - a.createdAt);
  return (
    <table className="jp-KubeflowDeploy-versions">
      <thead>
        <tr>
          <th>{trans.__('Version')}</th>
          <th>{trans.__('Role')}</th>
          <th>{trans.__('Run · output')}</th>
          <th>{trans.__('Server')}</th>
          <th>{trans.__('Traffic')}</th>
          <th>{trans.__('Metrics')}</th>
        </tr>
      </thead>
      <tbody>
        {versions.map(v => (
          <tr key={v.id} data-version={v.id} data-role={v.role}>
            <td>{v.id}</td>
            <td>
              <span className={`jp-KubeflowDeploy-role jp-mod-${v.role}`}>{v.role}</span>
            </td>
            <td title={v.storageUri ? `${v.modelFormat ?? v.format} · ${v.storageUri}` : v.modelType ?? v.format} data-storage-uri={v.storageUri}>
              {v.run} · {v.output}
            </td>
            <td>
              {v.server ? (
                <span
                  className={`jp-KubeflowDeploy-state jp-mod-${v.server.state}`}
                  data-server={v.server.state}
                  title={v.server.error ?? ''}
                >
                  {v.server.state}
                  {v.server.restarts > 0 && ` (${trans.__('%1 restarts', v.server.restarts)})`}
                </span>
              ) : (
                '—'
              )}
              {v.server?.error && <pre className="jp-KubeflowDeploy-serverError">{v.server.error}</pre>}
            </td>
            <td>{v.role === 'retired' ? '—' : <Traffic d={d} v={v} trans={trans} />}</td>
            <td className="jp-KubeflowDeploy-metrics" data-metrics={v.id}>
              {metricsText(v.metrics) || trans.__('none')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
