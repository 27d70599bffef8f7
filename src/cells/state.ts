/**
 * What each code cell's chip says, derived in one pass from the cells'
 * own annotations (read, never written) and the live step graph.
 *
 * The rules mirror the analysis (core/src/analysis/structure.ts): a cell
 * with an annotation starts a step or has a role; an untagged cell (or one
 * whose annotation cannot be read) continues whatever is above it; untagged
 * cells above the first annotated cell belong to nothing.
 */
import type { NormalizedAnnotation } from '../../core/src/annotations';
import type { PipelineGraph, PipelineStep, Severity } from '../../core/src/types';

export type ChipKind = 'step' | 'role' | 'continue' | 'none';

export interface IChipProblem {
  severity: Severity;
  message: string;
}

export interface IChipState {
  kind: ChipKind;
  /** Step name(s) for 'step', the role for 'role', what is continued for 'continue'. */
  name: string;
  /** Whether 'continue' continues a role rather than a step. */
  continuesRole: boolean;
  /** For the first cell of a step: what it needs (inputs, then parameters). */
  needs: string[] | null;
  /** For the first cell of a step: what it gives. */
  gives: string[] | null;
  problems: IChipProblem[];
}

/**
 * One state per notebook cell (null for markdown and raw cells).
 * `annotations` holds each cell's own normalized annotation (null when
 * untagged or unreadable), as `readAnnotations` returns them.
 */
export function chipStates(
  cellTypes: string[],
  annotations: Array<NormalizedAnnotation | null>,
  graph: PipelineGraph
): Array<IChipState | null> {
  const firstCellOf = new Map<number, PipelineStep>();
  for (const step of graph.steps) {
    if (step.cells.length) {
      firstCellOf.set(step.cells[0], step);
    }
  }
  const problems = new Map<number, IChipProblem[]>();
  for (const p of graph.problems) {
    if (p.cell !== null) {
      const list = problems.get(p.cell) ?? [];
      list.push({ severity: p.severity, message: p.message });
      problems.set(p.cell, list);
    }
  }
  let current: { role: boolean; name: string } | null = null;
  return cellTypes.map((type, index) => {
    if (type !== 'code') {
      return null;
    }
    const own = annotations[index] ?? null;
    const step = firstCellOf.get(index);
    const base = {
      needs: step ? [...step.inputs, ...step.parameters] : null,
      gives: step ? [...step.outputs] : null,
      problems: problems.get(index) ?? []
    };
    if (own?.kind === 'step') {
      current = { role: false, name: own.names.join(', ') };
      return { kind: 'step', name: current.name, continuesRole: false, ...base };
    }
    if (own?.kind === 'role') {
      current = { role: true, name: own.role };
      return { kind: 'role', name: own.role, continuesRole: false, ...base };
    }
    if (current === null) {
      return { kind: 'none', name: '', continuesRole: false, ...base };
    }
    return { kind: 'continue', name: current.name, continuesRole: current.role, ...base };
  });
}

/** "needs df, model · gives scores" (the two halves translated by the caller). */
export function flowText(
  needs: string[],
  gives: string[],
  trans: { __: (s: string, ...args: string[]) => string }
): string {
  const need = needs.length ? needs.join(', ') : trans.__('nothing');
  const give = gives.length ? gives.join(', ') : trans.__('nothing');
  return `${trans.__('needs %1', need)} · ${trans.__('gives %1', give)}`;
}

/** A stable text key of a state, to skip re-rendering unchanged chips. */
export function stateKey(state: IChipState | null): string {
  return JSON.stringify(state);
}
