import { readAnnotations, readCellAnnotation, readPipelineSettings } from '../src/annotations';
import { analyzeNotebook } from '../src/analysis';
import type { NotebookDocument, Problem } from '../src/types';

const read = (value: unknown) => {
  const problems: Problem[] = [];
  const annotation = readCellAnnotation(value, 4, problems);
  return { annotation, problems: problems.map(({ severity, cell, field, step }) => ({ severity, cell, field, step })) };
};

describe('cell annotations', () => {
  it('reads a full step annotation', () => {
    expect(read({
      step: 'train', after: ['load'], image: 'python:3.12', cache: false, retries: 2,
      resources: { cpuLimit: '2', memoryRequest: '512Mi', cpuRequest: 0.5 },
      gpu: { count: 1 }, secrets: [{ env: 'TOKEN', secret: 's', key: 'k' }]
    })).toEqual({
      annotation: {
        kind: 'step', names: ['train'], after: ['load'],
        settings: {
          image: 'python:3.12', cache: false, retries: 2,
          resources: { cpuLimit: '2', memoryRequest: '512Mi', cpuRequest: '0.5' },
          gpu: { count: 1 }, secrets: [{ env: 'TOKEN', secret: 's', key: 'k' }]
        }
      },
      problems: []
    });
  });

  it('reads roles', () => {
    expect(read({ role: 'metrics' })).toEqual({ annotation: { kind: 'role', role: 'metrics' }, problems: [] });
  });

  it.each([
    ['not an object', 'step', 'kubeflow'],
    [['step', 'a'], null, 'kubeflow'],
    [{ role: 'train' }, null, 'role'],
    [{ role: 3 }, null, 'role'],
    [{ step: 3 }, null, 'step'],
    [{ step: null }, null, 'step'],
    [{ step: 'a', role: 'skip' }, null, 'role'],
    [{ image: 'x' }, null, 'step']
  ])('garbage %j: error naming the field, cell treated as untagged', (value, _, field) => {
    const { annotation, problems } = read(value);
    expect(annotation).toBeNull();
    expect(problems).toEqual([{ severity: 'error', cell: 4, field, step: undefined }]);
  });

  it.each([
    [{ after: 'load' }, 'after'],
    [{ after: ['load', 3] }, 'after'],
    [{ retries: -1 }, 'retries'],
    [{ retries: 1.5 }, 'retries'],
    [{ cache: 'yes' }, 'cache'],
    [{ image: '' }, 'image'],
    [{ resources: { cpuLimit: 'lots' } }, 'resources.cpuLimit'],
    [{ resources: { memoryLimit: -1 } }, 'resources.memoryLimit'],
    [{ resources: { disk: '1Gi' } }, 'resources.disk'],
    [{ resources: 'big' }, 'resources'],
    [{ gpu: { count: 0 } }, 'gpu'],
    [{ gpu: 2 }, 'gpu'],
    [{ gpu: { count: 1, type: '' } }, 'gpu.type'],
    [{ secrets: { env: 'A' } }, 'secrets'],
    [{ secrets: [{ env: 'A', secret: 's' }] }, 'secrets[0].key'],
    [{ secrets: ['x'] }, 'secrets[0]'],
    [{ secrets: [{ env: '1A', secret: 's', key: 'k' }] }, 'secrets[0].env']
  ])('bad field %j: error naming it, field dropped, step kept', (extra, field) => {
    const { annotation, problems } = read({ step: 'train', ...extra });
    expect(annotation).toEqual({ kind: 'step', names: ['train'], after: [], settings: {} });
    expect(problems).toEqual([{ severity: 'error', cell: 4, field, step: 'train' }]);
  });

  it('keeps good secrets when one entry is bad', () => {
    const problems: Problem[] = [];
    const annotation = readCellAnnotation(
      { step: 's', secrets: [{ env: 'A', secret: 's', key: 'k' }, { env: 'B' }] }, 0, problems);
    expect(annotation).toEqual({
      kind: 'step', names: ['s'], after: [], settings: { secrets: [{ env: 'A', secret: 's', key: 'k' }] }
    });
    expect(problems.map(p => p.field)).toEqual(['secrets[1].secret']);
  });

  it('warns about unknown fields and fields a role ignores', () => {
    expect(read({ step: 'a', colour: 'red' }).problems).toEqual([
      { severity: 'warning', cell: 4, field: 'colour', step: 'a' }
    ]);
    expect(read({ role: 'skip', after: ['x'] }).problems).toEqual([
      { severity: 'warning', cell: 4, field: 'after', step: undefined }
    ]);
  });
});

describe('pipeline settings', () => {
  it('reads good fields and drops bad ones with errors', () => {
    const problems: Problem[] = [];
    expect(readPipelineSettings(
      { name: 'p', description: 'd', experiment: 7, image: 'img', target: 'moon', extra: 1 }, problems
    )).toEqual({ name: 'p', description: 'd', image: 'img' });
    expect(problems.map(({ severity, cell, field }) => ({ severity, cell, field }))).toEqual([
      { severity: 'error', cell: null, field: 'experiment' },
      { severity: 'error', cell: null, field: 'target' },
      { severity: 'warning', cell: null, field: 'extra' }
    ]);
  });

  it('a non-object is an error and yields no settings', () => {
    const problems: Problem[] = [];
    expect(readPipelineSettings('x', problems)).toEqual({});
    expect(problems).toHaveLength(1);
  });
});

describe('garbage metadata in a whole notebook never throws', () => {
  const nb: NotebookDocument = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kubeflow: { name: 42, target: 'kubeflow' } },
    cells: [
      { cell_type: 'code', source: 'a = 1', metadata: { kubeflow: { step: 'first' } } },
      { cell_type: 'code', source: 'b = a', metadata: { kubeflow: { step: ['x'] } } },
      { cell_type: 'code', source: 'print(b)', metadata: { kubeflow: { step: 'second', after: 'first', retries: -2 } } },
      { cell_type: 'markdown', source: '# m', metadata: { kubeflow: 'ignored on markdown' } }
    ]
  };

  it('reports each problem with cell and field, and analyses the rest', () => {
    const graph = analyzeNotebook(nb);
    expect(graph.pipeline).toEqual({ name: 'pipeline', target: 'kubeflow' });
    expect(graph.steps.map(s => [s.name, s.cells, s.inputs, s.after, s.settings])).toEqual([
      ['first', [0, 1], [], [], {}],
      ['second', [2], ['b'], ['first'], {}]
    ]);
    expect(graph.problems.map(({ severity, cell, field }) => ({ severity, cell, field }))).toEqual([
      { severity: 'error', cell: null, field: 'name' },
      { severity: 'error', cell: 1, field: 'step' },
      { severity: 'error', cell: 2, field: 'after' },
      { severity: 'error', cell: 2, field: 'retries' }
    ]);
  });

  it('chooses the dialect', () => {
    expect(readAnnotations(nb).dialect).toBe('kubeflow');
    expect(readAnnotations({ ...nb, cells: [{ cell_type: 'code', source: '', metadata: { tags: ['skip'] } }] }).dialect).toBe('kale');
    expect(readAnnotations({ ...nb, cells: [] }).dialect).toBe('none');
  });

  it('uses the default name option when settings give none', () => {
    expect(analyzeNotebook({ ...nb, metadata: {} }, { defaultName: 'churn-model' }).pipeline.name).toBe('churn-model');
  });
});
