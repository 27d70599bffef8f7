/** The cell the cell commands act on: the active cell of the current notebook. */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { NormalizedAnnotation } from '../../core/src/annotations';
import type { PipelineModel } from '../pipeline/model';
import type { IPipelineTracker } from '../tokens';
import { readCellAnnotations } from './annotations';

export interface ICellTarget {
  panel: NotebookPanel;
  pipeline: PipelineModel;
  cell: ICellModel;
  index: number;
  /** The cell's own annotation as the analysis reads it (null: none or unreadable). */
  own: NormalizedAnnotation | null;
  /** Whether the notebook is still read from Kale tags. */
  kale: boolean;
}

export function activeCellTarget(notebooks: INotebookTracker, pipelines: IPipelineTracker): ICellTarget | null {
  const panel = notebooks.currentWidget;
  const pipeline = panel ? pipelines.get(panel) : null;
  if (!panel || !pipeline || !panel.model) {
    return null;
  }
  const index = panel.content.activeCellIndex;
  const cell = panel.model.cells.get(index);
  if (!cell || cell.type !== 'code') {
    return null;
  }
  const read = readCellAnnotations(panel.model);
  return { panel, pipeline, cell, index, own: read.annotations[index] ?? null, kale: read.dialect === 'kale' };
}
