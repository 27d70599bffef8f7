/**
 * The pipeline section's model on a real JupyterLab NotebookModel: nodes,
 * edges and their memoized layout, modes, settings edits, export.
 */
import { NotebookModel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { compilePipeline } from '../../core/src/compile';
import { PipelineModel } from '../pipeline/model';
import { ExportError, exportPath, exportPipeline, pipelineYaml } from '../panels/pipeline/export';
import { DagLayouter, computeLayout, stepsOf } from '../panels/pipeline/layout';
import { IPipelineSource, PipelinePanelModel } from '../panels/pipeline/model';

type CellSpec = { source: string; metadata?: object };

function notebook(cells: CellSpec[]): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(
    0,
    cells.map(c => ({ cell_type: 'code', source: c.source, metadata: c.metadata ?? {} }))
  );
  return model;
}

const step = (name: string, extra: object = {}) => ({ kubeflow: { step: name, ...extra } });

/** A source with one notebook, as the PipelineTracker would offer it. */
function sourceOf(pipeline: PipelineModel | null): IPipelineSource & { set(p: PipelineModel | null): void } {
  const changed = new Signal<unknown, PipelineModel | null>({});
  const source = {
    current: pipeline,
    currentPanel: null,
    currentChanged: changed,
    set(p: PipelineModel | null) {
      source.current = p;
      changed.emit(p);
    }
  };
  return source;
}

const nextChange = (model: PipelineModel) =>
  new Promise(resolve =>
    model.changed.connect(function once(_, g) {
      model.changed.disconnect(once);
      resolve(g);
    })
  );

const DIAMOND: CellSpec[] = [
  { source: 'import math', metadata: { kubeflow: { role: 'imports' } } },
  { source: 'x = 1', metadata: step('load') },
  { source: 'y = x + 1', metadata: step('left') },
  { source: 'z = x * 2', metadata: step('right') },
  { source: 'accuracy = math.sqrt(y + z)', metadata: step('join') },
  { source: 'print(accuracy)', metadata: { kubeflow: { role: 'metrics' } } }
];

describe('DAG layout', () => {
  it('has a node per step (metrics step included) and an edge per dependency', () => {
    const pipeline = new PipelineModel(notebook(DIAMOND), { defaultName: () => 'nb' });
    const layout = computeLayout(stepsOf(pipeline.graph));
    expect(layout.nodes.map(n => n.name)).toEqual(['load', 'left', 'right', 'join', 'pipeline-metrics']);
    expect(layout.edges.map(e => `${e.from}->${e.to}`)).toEqual([
      'load->left',
      'load->right',
      'left->join',
      'right->join',
      'join->pipeline-metrics'
    ]);
    const y = new Map(layout.nodes.map(n => [n.name, n.y]));
    expect(y.get('load')!).toBeLessThan(y.get('left')!);
    expect(y.get('left')).toBe(y.get('right'));
    expect(y.get('join')!).toBeLessThan(y.get('pipeline-metrics')!);
    expect(layout.edges.every(e => e.points.length >= 2)).toBe(true);
    pipeline.dispose();
  });

  it('gives the same layout object for the same structure', () => {
    const pipeline = new PipelineModel(notebook(DIAMOND), { defaultName: () => 'nb' });
    const layouter = new DagLayouter();
    const steps = stepsOf(pipeline.graph);
    const first = layouter.layout(steps);
    const copies = steps.map(s => ({ ...s, inputs: [], outputs: ['other'], cells: [99] }));
    expect(layouter.layout(copies)).toBe(first);
    expect(layouter.computed).toBe(1);
    const fewer = steps.map(s => (s.name === 'join' ? { ...s, after: ['left'] } : s));
    const second = layouter.layout(fewer);
    expect(second).not.toBe(first);
    expect(second.edges.map(e => `${e.from}->${e.to}`)).not.toContain('right->join');
    expect(layouter.layout(steps)).toBe(first);
    expect(layouter.computed).toBe(2);
    pipeline.dispose();
  });

  it('keeps the layout while typing and re-lays out when an edge goes', async () => {
    const nb = notebook(DIAMOND);
    const pipeline = new PipelineModel(nb, { defaultName: () => 'nb', debounce: 5 });
    const panel = new PipelinePanelModel(sourceOf(pipeline));
    const first = panel.layout!;
    let changed = nextChange(pipeline);
    nb.cells.get(2).sharedModel.setSource('y = x + 10  # typing');
    await changed;
    expect(panel.layout).toBe(first);
    expect(panel.layouter.computed).toBe(1);
    changed = nextChange(pipeline);
    nb.cells.get(4).sharedModel.setSource('accuracy = math.sqrt(y)');
    await changed;
    expect(panel.layout).not.toBe(first);
    expect(panel.layout!.edges.map(e => `${e.from}->${e.to}`)).toEqual([
      'load->left',
      'load->right',
      'left->join',
      'join->pipeline-metrics'
    ]);
    expect(panel.nodes.get('join')).toEqual({
      name: 'join',
      firstCell: 4,
      needs: ['y'],
      gives: ['accuracy'],
      error: false
    });
    panel.dispose();
    pipeline.dispose();
  });

  it('lays out 100 steps once per structure', () => {
    const cells: CellSpec[] = [];
    for (let i = 0; i < 100; i++) {
      cells.push({ source: i ? `v${i} = v${i - 1} + 1` : 'v0 = 0', metadata: step(`s${i}`) });
      cells.push({ source: `w${i} = v${i} * 2` }, { source: `print(w${i})` }, { source: '# note' });
    }
    const pipeline = new PipelineModel(notebook(cells), { defaultName: () => 'big' });
    const panel = new PipelinePanelModel(sourceOf(pipeline));
    expect(panel.layout!.nodes).toHaveLength(100);
    expect(panel.layout!.edges).toHaveLength(99);
    pipeline.refreshNow();
    expect(panel.layouter.computed).toBe(1);
    panel.dispose();
    pipeline.dispose();
  });
});

describe('PipelinePanelModel', () => {
  it('follows the active notebook and its mode', () => {
    const plain = new PipelineModel(notebook([{ source: 'x = 1', metadata: { tags: ['hide-input'] } }]), {
      defaultName: () => 'plain'
    });
    const kale = new PipelineModel(
      notebook([
        { source: 'x = 1', metadata: { tags: ['step:load_data'] } },
        { source: 'y = x', metadata: { tags: ['step:use', 'prev:load_data'] } }
      ]),
      { defaultName: () => 'kale' }
    );
    const source = sourceOf(null);
    const panel = new PipelinePanelModel(source);
    expect(panel.mode).toBe('none');
    source.set(plain);
    expect(panel.mode).toBe('off');
    panel.enable();
    expect(plain.notebook.getMetadata('kubeflow')).toEqual({});
    expect(panel.mode).toBe('on');
    source.set(kale);
    expect(panel.mode).toBe('kale');
    expect([...panel.nodes.keys()]).toEqual(['load_data', 'use']);
    panel.convertFromKale();
    expect(panel.mode).toBe('on');
    expect(kale.notebook.cells.get(1).getMetadata('kubeflow')).toEqual({ step: 'use', after: ['load_data'] });
    panel.dispose();
    plain.dispose();
    kale.dispose();
  });

  it('writes a valid setting, keeps unknown fields, refuses a bad one without writing', () => {
    const nb = notebook([{ source: 'x = 1', metadata: step('a') }]);
    nb.setMetadata('kubeflow', { target: 'local', extra: 1 });
    const pipeline = new PipelineModel(nb, { defaultName: () => 'nb' });
    const panel = new PipelinePanelModel(sourceOf(pipeline));
    expect(panel.setSetting('name', '  My Pipeline ')).toBe(true);
    expect(nb.getMetadata('kubeflow')).toEqual({ target: 'local', extra: 1, name: 'My Pipeline' });
    expect(panel.graph!.pipeline.name).toBe('My Pipeline');
    expect(panel.setSetting('image', 'python 3')).toBe(false);
    expect(panel.settingErrors).toEqual({ image: 'image "python 3" must not contain spaces' });
    expect(panel.setSetting('name', '!!!')).toBe(false);
    expect(panel.settingErrors.name).toBe('pipeline name "!!!" needs at least one letter or digit');
    expect(nb.getMetadata('kubeflow')).toEqual({ target: 'local', extra: 1, name: 'My Pipeline' });
    expect(panel.setSetting('image', '')).toBe(true);
    expect(panel.settingErrors).toEqual({ name: 'pipeline name "!!!" needs at least one letter or digit' });
    expect(panel.setSetting('name', '')).toBe(true);
    expect(nb.getMetadata('kubeflow')).toEqual({ target: 'local', extra: 1 });
    expect(panel.settingErrors).toEqual({});
    panel.dispose();
    pipeline.dispose();
  });

  it('refuses to write over settings it could not read', () => {
    const nb = notebook([{ source: 'x = 1', metadata: step('a') }]);
    nb.setMetadata('kubeflow', { target: 'mars' });
    const pipeline = new PipelineModel(nb, { defaultName: () => 'nb' });
    const panel = new PipelinePanelModel(sourceOf(pipeline));
    expect(panel.setSetting('experiment', 'exp')).toBe(false);
    expect(panel.settingErrors.experiment).toBe('notebook metadata: target must be "local" or "kubeflow", got "mars"');
    expect(nb.getMetadata('kubeflow')).toEqual({ target: 'mars' });
    panel.dispose();
    pipeline.dispose();
  });

  it('marks the steps that have errors', () => {
    const pipeline = new PipelineModel(
      notebook([
        { source: 'x = 1', metadata: step('a') },
        { source: 'y = x + missing', metadata: step('b') }
      ]),
      { defaultName: () => 'nb' }
    );
    const panel = new PipelinePanelModel(sourceOf(pipeline));
    expect([...panel.nodes.values()].map(n => [n.name, n.error])).toEqual([
      ['a', false],
      ['b', true]
    ]);
    panel.dispose();
    pipeline.dispose();
  });
});

describe('export', () => {
  it('names the file after the notebook, next to it', () => {
    expect(exportPath('train.ipynb')).toBe('train.pipeline.yaml');
    expect(exportPath('work/sub/My notebook.ipynb')).toBe('work/sub/My notebook.pipeline.yaml');
    expect(exportPath('a.b/c.IPYNB')).toBe('a.b/c.pipeline.yaml');
  });

  it('saves the compiled YAML', async () => {
    const pipeline = new PipelineModel(notebook(DIAMOND), { defaultName: () => 'diamond' });
    const saved: Array<[string, object]> = [];
    const contents = { save: async (path: string, model: object) => (saved.push([path, model]), {} as any) };
    await expect(exportPipeline(pipeline.graph, 'dir/diamond.ipynb', contents)).resolves.toBe(
      'dir/diamond.pipeline.yaml'
    );
    expect(saved).toEqual([
      [
        'dir/diamond.pipeline.yaml',
        { type: 'file', format: 'text', content: compilePipeline(pipeline.graph).yaml }
      ]
    ]);
    expect(saved[0][1]).toHaveProperty('content', expect.stringContaining('pipelineInfo:'));
    pipeline.dispose();
  });

  it('refuses a pipeline with errors and writes nothing', async () => {
    const pipeline = new PipelineModel(
      notebook([
        { source: 'x = 1', metadata: step('a') },
        { source: 'y = x + missing', metadata: step('b') }
      ]),
      { defaultName: () => 'nb' }
    );
    const saved: string[] = [];
    const contents = { save: async (path: string) => (saved.push(path), {} as any) };
    const error = pipeline.graph.problems.find(p => p.severity === 'error')!;
    await expect(exportPipeline(pipeline.graph, 'nb.ipynb', contents)).rejects.toThrow(
      new ExportError(error.message)
    );
    expect(error.message).toMatch(/^cell 1, line 1: .*"missing"/);
    expect(saved).toEqual([]);
    pipeline.dispose();
  });

  it('refuses a pipeline without steps, naming why', () => {
    const pipeline = new PipelineModel(notebook([{ source: 'x = 1' }]), { defaultName: () => 'nb' });
    expect(() => pipelineYaml(pipeline.graph)).toThrow(new ExportError('the notebook has no pipeline step'));
    pipeline.dispose();
  });
});
