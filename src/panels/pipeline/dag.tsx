/**
 * The steps as a DAG in SVG: boxes at dagre's positions, edges along its
 * points. A DAG wider than the panel is scaled down to fit its width (a
 * long chain scrolls instead). Geometry comes from the (memoized) layout; the labels and error
 * marks from the per-step facts. Clicking (or Enter on) a node jumps to
 * the step's first cell.
 */
import * as React from 'react';
import type { TranslationBundle } from '@jupyterlab/translation';
import { IDagEdgePath, IDagLayout, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { IDagNodeInfo } from './model';

const ARROW_ID = 'jp-KubeflowDag-arrow';
const MAX_NAME = 17;

export interface IDagProps {
  layout: IDagLayout;
  nodes: ReadonlyMap<string, IDagNodeInfo>;
  onSelect: (step: string) => void;
  trans: TranslationBundle;
  /** Task state by step name in the selected run (`data-state` on nodes). */
  states?: ReadonlyMap<string, string> | null;
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function pathOf(edge: IDagEdgePath): string {
  return edge.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/** Edges only change with the layout object, so they are memoized on it. */
const Edges = React.memo(function Edges({ layout }: { layout: IDagLayout }) {
  return (
    <g className="jp-KubeflowDag-edges">
      {layout.edges.map(edge => (
        <path
          key={`${edge.from}->${edge.to}`}
          data-edge={`${edge.from}->${edge.to}`}
          className="jp-KubeflowDag-edge"
          d={pathOf(edge)}
          markerEnd={`url(#${ARROW_ID})`}
        />
      ))}
    </g>
  );
});

function summary(info: IDagNodeInfo | undefined, trans: TranslationBundle): string {
  if (!info) {
    return '';
  }
  return trans.__('needs %1 · gives %2', info.needs.length, info.gives.length);
}

function tooltip(info: IDagNodeInfo | undefined, trans: TranslationBundle): string {
  if (!info) {
    return '';
  }
  const lines = [info.name];
  lines.push(trans.__('needs: %1', info.needs.join(', ') || '–'));
  lines.push(trans.__('gives: %1', info.gives.join(', ') || '–'));
  if (info.error) {
    lines.push(trans.__('has errors (see Problems)'));
  }
  return lines.join('\n');
}

export function Dag({ layout, nodes, onSelect, trans, states }: IDagProps): React.ReactElement {
  if (!layout.nodes.length) {
    return <div className="jp-KubeflowPipeline-empty">{trans.__('No steps yet: start a step on a code cell.')}</div>;
  }
  return (
    <div className="jp-KubeflowDag">
      <svg
        className="jp-KubeflowDag-svg"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label={trans.__('Pipeline steps')}
      >
        <defs>
          <marker id={ARROW_ID} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="jp-KubeflowDag-arrow" />
          </marker>
        </defs>
        <Edges layout={layout} />
        {layout.nodes.map(box => {
          const info = nodes.get(box.name);
          const error = info?.error ?? false;
          const state = states?.get(box.name);
          return (
            <g
              key={box.name}
              data-step={box.name}
              className={`jp-KubeflowDag-node${error ? ' jp-mod-error' : ''}`}
              data-error={error ? 'true' : undefined}
              data-state={state}
              transform={`translate(${box.x - NODE_WIDTH / 2},${box.y - NODE_HEIGHT / 2})`}
              role="button"
              tabIndex={0}
              onClick={() => onSelect(box.name)}
              onKeyDown={event => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  onSelect(box.name);
                }
              }}
            >
              <title>{tooltip(info, trans) + (state ? '\n' + trans.__('state: %1', state) : '')}</title>
              <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={4} ry={4} />
              <text x={8} y={16} className="jp-KubeflowDag-name">
                {(error ? '⚠ ' : '') + clip(box.name, MAX_NAME)}
              </text>
              <text x={8} y={32} className="jp-KubeflowDag-io">
                {summary(info, trans)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
