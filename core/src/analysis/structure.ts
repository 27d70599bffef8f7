/**
 * Which cells make which step, and which play a role, from the normalized
 * annotations.
 *
 * - An untagged code cell continues whatever the cell above it was: a step,
 *   or a role (an untagged cell under `imports` is more imports; under
 *   `skip`, skipped). Markdown and raw cells are ignored and do not break a
 *   step.
 * - Untagged code cells before the first annotated cell belong to nothing:
 *   each is reported as a warning and left out (when no cell at all is
 *   annotated, one notebook-wide warning says so instead).
 * - Cells annotated with the same step name are one step (Kale's rule), in
 *   notebook order; the step sits where its first cell is. Its `after` is the
 *   union; its settings come from its first cell.
 */
import type { NormalizedAnnotation } from '../annotations';
import type { CellRole, NotebookDocument, Problem, StepSettings } from '../types';

export interface StepPlan {
  name: string;
  cells: number[];
  /** Explicit `after`, with the cell that says it. */
  after: Array<{ step: string; cell: number }>;
  settings: StepSettings;
}

export type RoleCells = { [role in Exclude<CellRole, 'skip'>]: number[] };

export interface Structure {
  steps: StepPlan[];
  roleCells: RoleCells;
  problems: Problem[];
}

export function groupCells(
  nb: NotebookDocument,
  sources: string[],
  annotations: Array<NormalizedAnnotation | null>
): Structure {
  const steps: StepPlan[] = [];
  const byName = new Map<string, StepPlan>();
  const roleCells: RoleCells = { imports: [], functions: [], parameters: [], metrics: [] };
  const problems: Problem[] = [];
  const anyAnnotation = annotations.some(annotation => annotation !== null);
  let current: StepPlan[] | CellRole | null = null;
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') {
      return;
    }
    const annotation = annotations[index];
    if (annotation?.kind === 'role') {
      current = annotation.role;
    } else if (annotation?.kind === 'step') {
      current = annotation.names.map(name => {
        let plan = byName.get(name);
        if (!plan) {
          plan = { name, cells: [], after: [], settings: annotation.settings };
          byName.set(name, plan);
          steps.push(plan);
        } else if (Object.keys(annotation.settings).length) {
          problems.push({
            severity: 'warning',
            cell: index,
            step: name,
            message: `cell ${index}: step "${name}" continues from cell ${plan.cells[0]}; its settings are taken from that first cell, these are ignored`
          });
        }
        for (const step of annotation.after) {
          plan.after.push({ step, cell: index });
        }
        return plan;
      });
    } else if (current === null) {
      if (anyAnnotation && sources[index].trim() !== '') {
        problems.push({
          severity: 'warning',
          cell: index,
          message: `cell ${index}: no annotated cell above it, so it belongs to no step and is left out of the pipeline`
        });
      }
      return;
    }
    if (typeof current === 'string') {
      if (current !== 'skip') {
        roleCells[current].push(index);
      }
    } else if (current) {
      for (const plan of current as StepPlan[]) {
        plan.cells.push(index);
      }
    }
  });
  if (!anyAnnotation && nb.cells.some(cell => cell.cell_type === 'code')) {
    problems.push({
      severity: 'warning',
      cell: null,
      message: 'no cell is annotated as a step or role: the pipeline has no steps'
    });
  }
  return { steps, roleCells, problems };
}
