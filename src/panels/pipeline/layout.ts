/**
 * The DAG's geometry, computed by dagre from the graph's structure only:
 * step names and edges. Typing in a cell changes sources and problems on
 * every (debounced) analysis, but rarely the structure, so `DagLayouter`
 * keeps the last layouts by a structure key and hands back the very same
 * object while the structure stays the same; views memoize on identity.
 */
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import type { PipelineGraph, PipelineStep } from '../../../core/src/types';

/** Node box size: a 17-character name at the UI font size; longer ones are clipped. */
export const NODE_WIDTH = 144;
export const NODE_HEIGHT = 40;

export interface IDagNodeBox {
  name: string;
  /** Centre of the box. */
  x: number;
  y: number;
}

export interface IDagEdgePath {
  from: string;
  to: string;
  points: Array<{ x: number; y: number }>;
}

export interface IDagLayout {
  /** The structure key this layout was computed for. */
  key: string;
  width: number;
  height: number;
  nodes: IDagNodeBox[];
  edges: IDagEdgePath[];
}

/** Every step the pipeline runs, the metrics step last. */
export function stepsOf(graph: PipelineGraph): PipelineStep[] {
  return graph.metricsStep ? [...graph.steps, graph.metricsStep] : graph.steps;
}

/** The edges `from -> to` (to runs after from), only between known steps. */
export function edgesOf(steps: PipelineStep[]): Array<[string, string]> {
  const names = new Set(steps.map(s => s.name));
  const edges: Array<[string, string]> = [];
  for (const step of steps) {
    for (const before of step.after) {
      if (names.has(before) && before !== step.name) {
        edges.push([before, step.name]);
      }
    }
  }
  return edges;
}

/** What the geometry depends on: names (in order) and edges. */
export function structureKey(steps: PipelineStep[]): string {
  return JSON.stringify([steps.map(s => s.name), edgesOf(steps)]);
}

/** Lay out a graph with dagre (top to bottom). */
export function computeLayout(steps: PipelineStep[]): IDagLayout {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 12, ranksep: 28, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const seen = new Set<string>();
  for (const step of steps) {
    if (!seen.has(step.name)) {
      seen.add(step.name);
      g.setNode(step.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
    }
  }
  const edges = edgesOf(steps);
  for (const [from, to] of edges) {
    g.setEdge(from, to);
  }
  dagreLayout(g);
  const label = g.graph();
  return {
    key: structureKey(steps),
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    nodes: g.nodes().map(name => {
      const node = g.node(name);
      return { name, x: node.x, y: node.y };
    }),
    edges: edges.map(([from, to]) => ({
      from,
      to,
      points: g.edge(from, to).points.map(p => ({ x: p.x, y: p.y }))
    }))
  };
}

/** Remembers the last few layouts by structure key. */
export class DagLayouter {
  constructor(private capacity = 8) {}

  /** The layout for these steps; the same object while the structure is unchanged. */
  layout(steps: PipelineStep[]): IDagLayout {
    const key = structureKey(steps);
    let found = this.cache.get(key);
    if (found) {
      this.cache.delete(key);
    } else {
      found = computeLayout(steps);
      this.computed++;
    }
    this.cache.set(key, found);
    while (this.cache.size > this.capacity) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    return found;
  }

  /** How many layouts dagre actually computed (for tests and benchmarks). */
  computed = 0;

  private cache = new Map<string, IDagLayout>();
}
