/**
 * Each cell's own annotation, read the way the analysis reads it (our
 * `kubeflow` key, or Kale tags when no cell has our key). Only metadata is
 * copied, never sources or outputs, so this stays cheap on 500 cells.
 */
import type { INotebookModel } from '@jupyterlab/notebook';
import { NormalizedAnnotation, readAnnotations } from '../../core/src/annotations';
import { METADATA_KEY, NotebookCell, NotebookDocument } from '../../core/src/types';

export interface ICellAnnotations {
  cellTypes: string[];
  annotations: Array<NormalizedAnnotation | null>;
  /** `kale` when the notebook is read from Kale tags (no cell has our key). */
  dialect: 'kubeflow' | 'kale' | 'none';
}

export function readCellAnnotations(model: INotebookModel): ICellAnnotations {
  const cells: NotebookCell[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    const metadata: { [key: string]: unknown } = {};
    for (const key of [METADATA_KEY, 'tags']) {
      const value = cell.getMetadata(key);
      if (value !== undefined) {
        metadata[key] = value;
      }
    }
    cells.push({ cell_type: cell.type as NotebookCell['cell_type'], source: '', metadata });
  }
  const doc: NotebookDocument = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
  const read = readAnnotations(doc);
  return { cellTypes: cells.map(c => c.cell_type), annotations: read.cells, dialect: read.dialect };
}
