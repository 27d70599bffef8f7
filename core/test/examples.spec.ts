/**
 * The Kale-tagged example notebooks analyse to the steps and edges Kale's
 * rules imply: `step:`/`block:` start steps (same name, same step),
 * untagged cells join the step above, `prev:` adds edges, `skip` cells are
 * left out, and data edges come from the names each step uses.
 */
import { analyzeNotebook } from '../src/analysis';
import { readNotebook } from '../src/notebook';
import { readRepoFile } from './files';

const analyse = (name: string) => analyzeNotebook(readNotebook(readRepoFile(`examples/kale/${name}.ipynb`)));
const view = (steps: ReturnType<typeof analyse>['steps']) =>
  Object.fromEntries(steps.map(s => [s.name, {
    cells: s.cells, inputs: s.inputs, parameters: s.parameters, outputs: s.outputs, after: s.after
  }]));

describe('examples/kale', () => {
  it('iris_classifier: a chain with parameters and metrics', () => {
    const graph = analyse('iris_classifier');
    expect(graph.problems).toEqual([]);
    expect(graph.pipeline).toEqual({
      name: 'iris-classifier', description: 'Random forest on the iris data set', experiment: 'kale-examples'
    });
    expect(graph.parameters).toEqual([
      { name: 'TEST_SIZE', type: 'float', default: 0.25, cell: 2 },
      { name: 'N_ESTIMATORS', type: 'int', default: 50, cell: 2 },
      { name: 'SEED', type: 'int', default: 42, cell: 2 }
    ]);
    expect(graph.roleCells).toEqual({ imports: [1], functions: [], parameters: [2], metrics: [7] });
    expect(view(graph.steps)).toEqual({
      load_data: { cells: [3], inputs: [], parameters: [], outputs: ['X', 'y'], after: [] },
      split: {
        cells: [4], inputs: ['X', 'y'], parameters: ['SEED', 'TEST_SIZE'],
        outputs: ['X_test', 'X_train', 'y_test', 'y_train'], after: ['load_data']
      },
      train: {
        cells: [5], inputs: ['X_train', 'y_train'], parameters: ['N_ESTIMATORS', 'SEED'],
        outputs: ['model'], after: ['split']
      },
      evaluate: {
        cells: [6], inputs: ['X_test', 'model', 'y_test'], parameters: [], outputs: ['accuracy'],
        after: ['split', 'train']
      }
    });
    expect(graph.metrics).toEqual(['accuracy']);
    expect(graph.metricsStep).toMatchObject({ cells: [7], inputs: ['accuracy'], after: ['evaluate'] });
  });

  it('diabetes_blocks: block:/prev:, a continuation cell, a skip cell, a fan-out', () => {
    const graph = analyse('diabetes_blocks');
    expect(graph.problems).toEqual([]);
    expect(graph.pipeline).toEqual({ name: 'diabetes-regression', experiment: 'kale-examples' });
    expect(view(graph.steps)).toEqual({
      prepare: { cells: [3, 4], inputs: [], parameters: [], outputs: ['df'], after: [] },
      split: {
        cells: [6], inputs: ['df'], parameters: ['SEED'],
        outputs: ['test_X', 'test_y', 'train_X', 'train_y'], after: ['prepare']
      },
      ridge: {
        cells: [7], inputs: ['test_X', 'test_y', 'train_X', 'train_y'], parameters: ['ALPHA'],
        outputs: ['ridge_r2'], after: ['split']
      },
      lasso: {
        cells: [8], inputs: ['test_X', 'test_y', 'train_X', 'train_y'], parameters: ['ALPHA'],
        outputs: ['lasso_r2'], after: ['split']
      },
      compare: { cells: [10], inputs: ['lasso_r2', 'ridge_r2'], parameters: [], outputs: [], after: ['lasso', 'ridge'] }
    });
    expect(graph.metrics).toEqual(['ridge_r2', 'lasso_r2']);
    expect(graph.metricsStep).toMatchObject({ inputs: ['lasso_r2', 'ridge_r2'], after: ['lasso', 'ridge'] });
  });

  it('digits_resources: image:, limit: and cache: become step settings', () => {
    const graph = analyse('digits_resources');
    expect(graph.problems).toEqual([]);
    expect(graph.pipeline).toEqual({
      name: 'digits-logistic', description: "Logistic regression on sklearn's digits",
      experiment: 'kale-examples', image: 'python:3.12'
    });
    expect(view(graph.steps)).toEqual({
      load: { cells: [4], inputs: [], parameters: [], outputs: ['X', 'y'], after: [] },
      train: {
        cells: [5], inputs: ['X', 'y'], parameters: ['C', 'MAX_ITER', 'SEED'],
        outputs: ['X_te', 'clf', 'y_te'], after: ['load']
      },
      evaluate: {
        cells: [6], inputs: ['X_te', 'clf', 'y_te'], parameters: [], outputs: ['test_accuracy'], after: ['train']
      }
    });
    expect(graph.steps.map(s => s.settings)).toEqual([
      { image: 'python:3.12-slim', cache: false },
      { resources: { cpuLimit: '2', memoryLimit: '2Gi' } },
      { cache: true }
    ]);
    expect(graph.metricsStep).toMatchObject({ inputs: ['test_accuracy'], after: ['evaluate'] });
  });
});
