/**
 * A light NotebookDocument built from the live notebook model: sources and
 * the two metadata keys the analysis reads, never outputs. Serialising the
 * whole model (`toJSON`) would copy every output on every keystroke.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import { KALE_NOTEBOOK_KEY, METADATA_KEY } from '../../core/src/types';
import type { NotebookCell, NotebookDocument } from '../../core/src/types';

const CELL_KEYS = [METADATA_KEY, 'tags'];

function cellSnapshot(cell: ICellModel): NotebookCell {
  const metadata: { [key: string]: unknown } = {};
  for (const key of CELL_KEYS) {
    const value = cell.getMetadata(key);
    if (value !== undefined) {
      metadata[key] = value;
    }
  }
  return {
    cell_type: cell.type as NotebookCell['cell_type'],
    source: cell.sharedModel.getSource(),
    metadata,
    id: cell.id
  };
}

export function notebookSnapshot(model: INotebookModel): NotebookDocument {
  const metadata: { [key: string]: unknown } = {};
  for (const key of [METADATA_KEY, KALE_NOTEBOOK_KEY]) {
    const value = model.getMetadata(key);
    if (value !== undefined) {
      metadata[key] = value;
    }
  }
  const cells: NotebookCell[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    cells.push(cellSnapshot(model.cells.get(i)));
  }
  return { nbformat: 4, nbformat_minor: 5, metadata, cells };
}
