/**
 * PipelineModel on a real JupyterLab NotebookModel (the same Yjs-backed
 * model that real-time collaboration syncs).
 */
import { NotebookModel } from '@jupyterlab/notebook';
import { AnnotationError, PipelineModel } from '../pipeline/model';

function notebook(cells: Array<{ source: string; metadata?: object }>): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(
    0,
    cells.map(c => ({ cell_type: 'code', source: c.source, metadata: c.metadata ?? {} }))
  );
  return model;
}

const nextChange = (model: PipelineModel) =>
  new Promise(resolve => model.changed.connect(function once(_, g) {
    model.changed.disconnect(once);
    resolve(g);
  }));

describe('PipelineModel', () => {
  it('analyses the notebook and follows source edits (debounced)', async () => {
    const nb = notebook([
      { source: 'x = 1', metadata: { kubeflow: { step: 'a' } } },
      { source: 'y = x + 1', metadata: { kubeflow: { step: 'b' } } }
    ]);
    const model = new PipelineModel(nb, { defaultName: () => 'nb', debounce: 10 });
    expect(model.enabled).toBe(true);
    expect(model.graph.pipeline.name).toBe('nb');
    expect(model.graph.steps.map(s => [s.name, s.inputs, s.outputs])).toEqual([
      ['a', [], ['x']],
      ['b', ['x'], []]
    ]);
    const changed = nextChange(model);
    nb.cells.get(1).sharedModel.setSource('y = 2');
    await changed;
    expect(model.graph.steps[1].inputs).toEqual([]);
    expect(model.graph.steps[1].after).toEqual([]);
    model.dispose();
  });

  it('writes a valid annotation and refuses an invalid one without writing', () => {
    const nb = notebook([{ source: 'x = 1' }, { source: 'print(x)' }]);
    const model = new PipelineModel(nb, { defaultName: () => 'nb' });
    expect(model.enabled).toBe(false);
    model.setCellAnnotation(nb.cells.get(0), { step: 'load_data' });
    expect(nb.cells.get(0).getMetadata('kubeflow')).toEqual({ step: 'load_data' });
    expect(model.enabled).toBe(true);
    expect(model.stepOfCell(1)?.name).toBe('load_data');
    expect(() => model.setCellAnnotation(nb.cells.get(1), { step: 'b', retries: -2 })).toThrow(
      AnnotationError
    );
    expect(nb.cells.get(1).getMetadata('kubeflow')).toBeUndefined();
    model.setCellAnnotation(nb.cells.get(0), null);
    expect(nb.cells.get(0).getMetadata('kubeflow')).toBeUndefined();
    model.dispose();
  });

  it('shows garbage metadata as a problem and never rewrites it', () => {
    const garbage = { step: 42, after: 'nope' };
    const nb = notebook([{ source: 'x = 1', metadata: { kubeflow: garbage } }]);
    const model = new PipelineModel(nb, { defaultName: () => 'nb' });
    const problems = model.problemsOfCell(0);
    expect(problems.some(p => p.severity === 'error' && p.field === 'step')).toBe(true);
    expect(nb.cells.get(0).getMetadata('kubeflow')).toEqual(garbage);
    model.dispose();
  });

  it('converts Kale tags to annotations in one change', () => {
    const nb = notebook([
      { source: 'import math', metadata: { tags: ['imports'] } },
      { source: 'x = math.pi', metadata: { tags: ['step:load_data'] } },
      { source: 'y = x * 2', metadata: { tags: ['step:double', 'prev:load_data'] } }
    ]);
    const model = new PipelineModel(nb, { defaultName: () => 'nb' });
    expect(model.graph.steps.map(s => s.name)).toEqual(['load_data', 'double']);
    model.convertFromKale();
    expect(nb.cells.get(0).getMetadata('kubeflow')).toEqual({ role: 'imports' });
    expect(nb.cells.get(2).getMetadata('kubeflow')).toEqual({ step: 'double', after: ['load_data'] });
    expect(model.graph.steps.map(s => [s.name, s.after])).toEqual([
      ['load_data', []],
      ['double', ['load_data']]
    ]);
    model.dispose();
  });
});
