/**
 * The study's two charts, plain SVG: the objective against trial number
 * with the best-so-far line, and parallel coordinates (one axis per tuned
 * parameter, the objective last). The best trial is highlighted in both.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IObjectivePoint, IParallel } from './series';

const W = 480;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

const fmt = (x: number) => (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(4))));

export function ObjectiveChart(props: {
  points: IObjectivePoint[];
  metric: string;
  best: number | null;
  onPick: (trial: number) => void;
  trans: TranslationBundle;
}): React.ReactElement {
  const { points, trans } = props;
  if (!points.length) {
    return <p className="jp-KubeflowTune-empty">{trans.__('No finished trial yet.')}</p>;
  }
  const values = points.map(p => p.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const first = points[0].trial;
  const last = points[points.length - 1].trial;
  const x = (t: number) => PAD.left + (last === first ? 0.5 : (t - first) / (last - first)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const bestLine = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.trial).toFixed(1)},${y(p.best).toFixed(1)}`).join(' ');
  return (
    <svg className="jp-KubeflowTune-chart" data-chart="objective" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={trans.__('%1 by trial', props.metric)}>
      <line className="jp-KubeflowTune-axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
      <line className="jp-KubeflowTune-axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
      <text className="jp-KubeflowTune-tick" x={PAD.left - 4} y={y(hi) + 4} textAnchor="end">{fmt(hi)}</text>
      <text className="jp-KubeflowTune-tick" x={PAD.left - 4} y={y(lo) + 4} textAnchor="end">{fmt(lo)}</text>
      <text className="jp-KubeflowTune-tick" x={W - PAD.right} y={H - 8} textAnchor="end">{trans.__('trial')}</text>
      <path className="jp-KubeflowTune-best-line" data-series="best" d={bestLine} />
      {points.map(p => (
        <circle
          key={p.trial}
          data-trial={p.trial}
          className={`jp-KubeflowTune-point${p.value === props.best && p.best === p.value ? ' jp-mod-best' : ''}`}
          cx={x(p.trial)}
          cy={y(p.value)}
          r={4}
          onClick={() => props.onPick(p.trial)}
        >
          <title>{`#${p.trial}: ${props.metric} = ${fmt(p.value)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

export function ParallelChart(props: {
  data: IParallel;
  best: number | null;
  onPick: (trial: number) => void;
  trans: TranslationBundle;
}): React.ReactElement | null {
  const { axes, lines } = props.data;
  if (!lines.length) {
    return null;
  }
  const x = (i: number) => PAD.left + (axes.length === 1 ? 0.5 : i / (axes.length - 1)) * (W - PAD.left - 2 * PAD.right - 24);
  const y = (v: number) => H - PAD.bottom - v * (H - PAD.top - PAD.bottom);
  const ordered = [...lines].sort((a, b) => (a.trial === props.best ? 1 : b.trial === props.best ? -1 : 0));
  return (
    <svg className="jp-KubeflowTune-chart" data-chart="parallel" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.trans.__('Parameters against the objective')}>
      {ordered.map(l => (
        <polyline
          key={l.trial}
          data-trial={l.trial}
          className={`jp-KubeflowTune-line${l.trial === props.best ? ' jp-mod-best' : ''}`}
          points={l.ys.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
          onClick={() => props.onPick(l.trial)}
        >
          <title>{`#${l.trial}`}</title>
        </polyline>
      ))}
      {axes.map((axis, i) => (
        <g key={axis.name} data-axis={axis.name}>
          <line className="jp-KubeflowTune-axis" x1={x(i)} y1={y(0)} x2={x(i)} y2={y(1)} />
          <text className="jp-KubeflowTune-axis-name" x={x(i)} y={H - 8} textAnchor="middle">{axis.name}</text>
          {axis.labels.map((label, j) => (
            <text key={j} className="jp-KubeflowTune-tick" x={x(i) + 4} y={y(axis.labels.length === 1 ? 0.5 : j / (axis.labels.length - 1)) + 4}>
              {label}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}
