import { analyzeNotebook, convertKaleAnnotations } from '../src/analysis';
import { readKaleAnnotations } from '../src/kale';
import type { NotebookDocument } from '../src/types';

const kale = (cells: Array<[string[], string]>, metadata: object = {}): NotebookDocument => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { ...metadata },
  cells: cells.map(([tags, source]) => ({ cell_type: 'code', source, metadata: { tags } }))
});

describe('Kale 2.x', () => {
  it('reads base_image and secret:SECRET:KEY:ENV tags', () => {
    const nb = kale(
      [[['step:train', 'secret:db-creds:password:DB_PASSWORD', 'secret:s3:key-id:AWS_KEY'], 'x = 1']],
      { kubeflow_notebook: { pipeline_name: 'p', base_image: 'python:3.12-slim' } }
    );
    expect(convertKaleAnnotations(nb)).toEqual({
      cells: [
        {
          step: 'train',
          secrets: [
            { secret: 'db-creds', key: 'password', env: 'DB_PASSWORD' },
            { secret: 's3', key: 'key-id', env: 'AWS_KEY' }
          ]
        }
      ],
      notebook: { name: 'p', image: 'python:3.12-slim' }
    });
  });

  it('refuses a malformed secret tag, naming it', () => {
    const result = readKaleAnnotations(kale([[['step:a', 'secret:Bad_Name:k'], 'x = 1']]));
    expect(result.problems).toEqual([
      {
        severity: 'error',
        cell: 0,
        field: 'secrets',
        message: 'cell 0: tag "secret:Bad_Name:k" must be secret:SECRET_NAME:KEY:ENV_VAR; it is ignored'
      }
    ]);
  });
});

describe('Kale tags', () => {
  const nb = kale([
    [['imports'], 'import math'],
    [['functions'], 'def f(v):\n    return v'],
    [['pipeline-parameters'], 'K = 2'],
    [['step:load', 'image:python:3.12-slim', 'limit:cpu:2', 'limit:memory:4Gi', 'cache:disabled'], 'x = K'],
    [[], 'y = x'],
    [['block:train', 'prev:load', 'limit:nvidia.com/gpu:1'], 'z = f(y)'],
    [['skip'], 'print(z)'],
    [['pipeline-metrics'], 'print(z)']
  ], {
    kubeflow_notebook: {
      pipeline_name: 'kale-pipe', pipeline_description: 'desc',
      experiment_name: 'exp', docker_image: 'base:1'
    }
  });

  it('converts to our annotations, settings included', () => {
    expect(convertKaleAnnotations(nb)).toEqual({
      cells: [
        { role: 'imports' },
        { role: 'functions' },
        { role: 'parameters' },
        {
          step: 'load', image: 'python:3.12-slim', cache: false,
          resources: { cpuLimit: '2', memoryLimit: '4Gi' }
        },
        null,
        { step: 'train', after: ['load'], gpu: { type: 'nvidia.com/gpu', count: 1 } },
        { role: 'skip' },
        { role: 'metrics' }
      ],
      notebook: { name: 'kale-pipe', description: 'desc', experiment: 'exp', image: 'base:1' }
    });
  });

  it('analyses the Kale notebook and its conversion the same way', () => {
    const direct = analyzeNotebook(nb);
    const { cells, notebook } = convertKaleAnnotations(nb);
    const converted = analyzeNotebook({
      ...nb,
      metadata: { kubeflow: notebook },
      cells: nb.cells.map((cell, i) => ({ ...cell, metadata: cells[i] ? { kubeflow: cells[i] } : {} }))
    });
    expect(direct.problems).toEqual([]);
    expect(converted).toEqual(direct);
    expect(direct.steps.map(s => [s.name, s.cells, s.inputs, s.parameters, s.outputs, s.after])).toEqual([
      ['load', [3, 4], [], ['K'], ['y'], []],
      ['train', [5], ['y'], [], ['z'], ['load']]
    ]);
    expect(direct.steps[0].settings).toEqual({
      image: 'python:3.12-slim', cache: false, resources: { cpuLimit: '2', memoryLimit: '4Gi' }
    });
    expect(direct.pipeline).toEqual({
      name: 'kale-pipe', description: 'desc', experiment: 'exp', image: 'base:1'
    });
  });

  it('reads experiment.name when experiment_name is absent', () => {
    expect(readKaleAnnotations(kale([[['skip'], '']], {
      kubeflow_notebook: { experiment: { name: 'nested' } }
    })).settings).toEqual({ experiment: 'nested' });
  });

  it('reports bad Kale tags by cell and field without throwing', () => {
    const result = readKaleAnnotations(kale([
      [['step:a', 'limit:cpu:lots', 'cache:maybe', 'label:team:ml', 'image:'], ''],
      [['prev:a'], ''],
      [['imports', 'functions'], '']
    ], { kubeflow_notebook: { pipeline_name: 5 } }));
    expect(result.problems.map(({ severity, cell, field }) => ({ severity, cell, field }))).toEqual([
      { severity: 'error', cell: 0, field: 'limit' },
      { severity: 'error', cell: 0, field: 'cache' },
      { severity: 'warning', cell: 0, field: 'label' },
      { severity: 'error', cell: 0, field: 'image' },
      { severity: 'warning', cell: 1, field: 'tags' },
      { severity: 'warning', cell: 2, field: 'tags' },
      { severity: 'error', cell: null, field: 'kubeflow_notebook.pipeline_name' }
    ]);
    expect(result.cells).toEqual([
      { kind: 'step', names: ['a'], after: [], settings: {} },
      null,
      { kind: 'role', role: 'imports' }
    ]);
  });

  it('a cell with several step names converts to the first', () => {
    expect(convertKaleAnnotations(kale([[['block:a', 'block:b'], 'x = 1']])).cells).toEqual([{ step: 'a' }]);
  });
});
