/**
 * What each cell's chip says, from a real NotebookModel through the real
 * PipelineModel (the live analysis), and the chip view's text.
 */
import { NotebookModel } from '@jupyterlab/notebook';
import { nullTranslator } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { PipelineModel } from '../pipeline/model';
import { readCellAnnotations } from '../cells/annotations';
import { ChipModel } from '../cells/chip-model';
import { ChipView } from '../cells/chip';
import { chipStates, flowText, IChipState } from '../cells/state';

const trans = nullTranslator.load('jupyterlab_kubeflow');

function notebook(cells: Array<{ source: string; metadata?: object; type?: string }>): NotebookModel {
  const model = new NotebookModel();
  model.sharedModel.insertCells(
    0,
    cells.map(c => ({ cell_type: c.type ?? 'code', source: c.source, metadata: (c.metadata ?? {}) as any }))
  );
  return model;
}

function states(nb: NotebookModel): Array<IChipState | null> {
  const pipeline = new PipelineModel(nb, { defaultName: () => 'nb' });
  const { cellTypes, annotations } = readCellAnnotations(nb);
  const result = chipStates(cellTypes, annotations, pipeline.graph);
  pipeline.dispose();
  return result;
}

const summary = (s: IChipState | null) => s && [s.kind, s.name, s.needs, s.gives];

describe('chip states', () => {
  it('says step start, continuation, role and what a step needs and gives', () => {
    const nb = notebook([
      { source: 'import pandas as pd', metadata: { kubeflow: { role: 'imports' } } },
      { source: 'import numpy as np' },
      { source: 'lr = 0.1', metadata: { kubeflow: { role: 'parameters' } } },
      { source: '# Load', type: 'markdown' },
      { source: 'df = pd.DataFrame({"a": [1]})', metadata: { kubeflow: { step: 'load_data' } } },
      { source: 'model = np.mean(df.a) * lr' },
      { source: 'scores = model + len(df)', metadata: { kubeflow: { step: 'score' } } },
      { source: 'print(scores)', metadata: { kubeflow: { step: 'report' } } },
      { source: 'df.plot()', metadata: { kubeflow: { role: 'skip' } } }
    ]);
    expect(states(nb).map(summary)).toEqual([
      ['role', 'imports', null, null],
      ['continue', 'imports', null, null],
      ['role', 'parameters', null, null],
      null,
      ['step', 'load_data', ['lr'], ['df', 'model']],
      ['continue', 'load_data', null, null],
      ['step', 'score', ['df', 'model'], ['scores']],
      ['step', 'report', ['scores'], []],
      ['role', 'skip', null, null]
    ]);
    expect(states(nb)[1]!.continuesRole).toBe(true);
    expect(states(nb)[5]!.continuesRole).toBe(false);
  });

  it('puts problems on the cell, and reads garbage as an unreadable annotation', () => {
    const garbage = { step: 42, after: 'nope' };
    const nb = notebook([
      { source: 'x = 1' },
      { source: 'y = 2', metadata: { kubeflow: { step: 'a' } } },
      { source: 'z = y + w', metadata: { kubeflow: garbage } }
    ]);
    const [before, a, bad] = states(nb);
    expect(summary(before)).toEqual(['none', '', null, null]);
    expect(before!.problems).toEqual([
      {
        severity: 'warning',
        message: 'cell 0: no annotated cell above it, so it belongs to no step and is left out of the pipeline'
      }
    ]);
    expect(summary(a)).toEqual(['step', 'a', [], []]);
    expect(summary(bad)).toEqual(['continue', 'a', null, null]);
    expect(bad!.problems.map(p => p.severity)).toContain('error');
    expect(bad!.problems[0].message).toBe(
      'cell 2: step name must be a string, got 42; the cell is treated as untagged'
    );
    expect(nb.cells.get(2).getMetadata('kubeflow')).toEqual(garbage);
  });

  it('reads Kale tags like the analysis does', () => {
    const nb = notebook([
      { source: 'import math', metadata: { tags: ['imports'] } },
      { source: 'x = math.pi', metadata: { tags: ['step:load_data'] } },
      { source: 'y = x * 2', metadata: { tags: ['step:double', 'prev:load_data'] } }
    ]);
    expect(states(nb).map(summary)).toEqual([
      ['role', 'imports', null, null],
      ['step', 'load_data', [], ['x']],
      ['step', 'double', ['x'], []]
    ]);
  });

  it('writes the needs/gives line', () => {
    expect(flowText(['df', 'model'], ['scores'], trans)).toBe('needs df, model · gives scores');
    expect(flowText([], [], trans)).toBe('needs nothing · gives nothing');
  });
});

describe('ChipModel and ChipView', () => {
  const state: IChipState = {
    kind: 'step',
    name: 'train',
    continuesRole: false,
    needs: ['df'],
    gives: ['model'],
    problems: [{ severity: 'error', message: 'cell 3: undefined name "w"' }]
  };

  it('signals only when the state changes', () => {
    const model = new ChipModel();
    let count = 0;
    model.stateChanged.connect(() => count++);
    model.setState(state);
    model.setState({ ...state, needs: ['df'] });
    expect(count).toBe(1);
    model.setState({ ...state, name: 'fit' });
    expect(count).toBe(2);
  });

  it('renders the label, the flow line and the problems', async () => {
    const model = new ChipModel();
    const opened: string[] = [];
    const view = new ChipView(model, trans, chip => opened.push(chip.model.state!.name));
    Widget.attach(view, document.body);
    model.setState(state);
    MessageLoop.sendMessage(view, Widget.Msg.UpdateRequest);
    await new Promise(resolve => setTimeout(resolve, 0));
    const chip = view.node.querySelector('[data-testid="kubeflow-chip"]') as HTMLButtonElement;
    expect(chip.textContent).toBe('step: train');
    expect(chip.dataset.severity).toBe('error');
    expect(chip.title).toBe('This cell starts step "train". Click to change.\ncell 3: undefined name "w"');
    expect(view.node.querySelector('[data-testid="kubeflow-flow"]')!.textContent).toBe('needs df · gives model');
    expect(view.node.querySelector('[data-testid="kubeflow-problems"]')!.textContent).toBe('cell 3: undefined name "w"');
    chip.click();
    expect(opened).toEqual(['train']);
    model.setState({ ...state, kind: 'continue', needs: null, gives: null, problems: [] });
    MessageLoop.sendMessage(view, Widget.Msg.UpdateRequest);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(view.node.textContent).toBe('↳ train');
    view.dispose();
  });
});
