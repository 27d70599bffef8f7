import { readAnnotations } from '../../src/annotations';
import { analyzeNotebook } from '../../src/analysis';
import {
  defaultSpace, gridSize, gridValues, parseSpaceArg, readStudySpec, SpaceSyntaxError, StudySpec, trialValue, validateStudy
} from '../../src/tuning';
import type { NotebookDocument } from '../../src/types';

const cell = (source: string, kubeflow: unknown) => ({ cell_type: 'code' as const, source, metadata: { kubeflow } });
const nb = (settings?: unknown): NotebookDocument => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: settings === undefined ? {} : { kubeflow: settings },
  cells: [
    cell('lr = 0.01\nn_estimators = 100\nuse_bias = True\noptimizer = "adam"\nlayers = [1, 2]\nshift = 0.0\noffset = -2', { role: 'parameters' }),
    cell('accuracy = lr * n_estimators + shift + offset\nloss = -accuracy', { step: 'train' }),
    cell('accuracy\nloss', { role: 'metrics' })
  ]
});
const graph = analyzeNotebook(nb());

const spec = (over: Partial<StudySpec> = {}): StudySpec => ({
  parameters: [
    { name: 'lr', type: 'double', min: 0.001, max: 0.1, log: true },
    { name: 'n_estimators', type: 'int', min: 50, max: 200 }
  ],
  objective: { metric: 'accuracy', direction: 'maximize' },
  algorithm: 'tpe',
  budget: { maxTrials: 10, parallelTrials: 2, maxFailedTrials: 1 },
  ...over
});
const fields = (s: StudySpec) => validateStudy(s, graph).map(p => [p.severity, p.field]);

describe('defaultSpace', () => {
  it('makes a range around each literal of the parameters cell', () => {
    expect(graph.metrics).toEqual(['accuracy', 'loss']);
    expect(defaultSpace(graph)).toEqual([
      { name: 'lr', type: 'double', min: 0.001, max: 0.1, log: true, default: 0.01 },
      { name: 'n_estimators', type: 'int', min: 50, max: 200, default: 100 },
      { name: 'use_bias', type: 'categorical', list: ['true', 'false'], default: true },
      { name: 'optimizer', type: 'categorical', list: ['adam'], default: 'adam' },
      { name: 'shift', type: 'double', min: -1, max: 1, default: 0 },
      { name: 'offset', type: 'int', min: -4, max: -1, default: -2 }
    ]);
  });
});

describe('validateStudy', () => {
  it('accepts a good spec', () => {
    expect(validateStudy(spec(), graph)).toEqual([]);
  });

  it('places each problem at its field', () => {
    expect(fields(spec({
      parameters: [
        { name: 'lr', type: 'double', min: 0.5, max: 0.5 },
        { name: 'n_estimators', type: 'int', min: 0, max: 10, log: true },
        { name: 'nope', type: 'double', min: 0, max: 1 },
        { name: 'layers', type: 'categorical', list: ['a'] }
      ],
      objective: { metric: 'f1', direction: 'maximize' },
      budget: { maxTrials: 4, parallelTrials: 0, maxFailedTrials: -1 }
    }))).toEqual([
      ['error', 'parameters.nope'],
      ['error', 'parameters.layers.type'],
      ['error', 'objective.metric'],
      ['error', 'parameters.lr.max'],
      ['error', 'parameters.n_estimators.min'],
      ['error', 'budget.parallelTrials'],
      ['error', 'budget.maxFailedTrials']
    ]);
  });

  it('explains with the names and numbers', () => {
    const problems = validateStudy(spec({
      parameters: [{ name: 'lr', type: 'double', min: 0.5, max: 0.1 }],
      objective: { metric: 'f1', direction: 'maximize' }
    }), graph);
    expect(problems.map(p => p.message)).toEqual([
      'f1 is not a metric: the metrics cell reports accuracy, loss',
      'lr: min (0.5) must be less than max (0.1)'
    ]);
  });

  it('refuses a grid bigger or smaller than maxTrials', () => {
    const grid = (maxTrials: number) => spec({
      algorithm: 'grid',
      parameters: [
        { name: 'lr', type: 'double', min: 0.1, max: 0.5, step: 0.1 },
        { name: 'optimizer', type: 'categorical', list: ['adam', 'sgd'] }
      ],
      budget: { maxTrials, parallelTrials: 1, maxFailedTrials: 0 }
    });
    expect(validateStudy(grid(10), graph)).toEqual([]);
    expect(validateStudy(grid(6), graph)).toEqual([{
      severity: 'error',
      field: 'budget.maxTrials',
      message: 'the grid has 10 points, more than maxTrials (6): part of it would never be tried; set maxTrials to 10 or coarsen the grid'
    }]);
    expect(validateStudy(grid(12), graph)).toEqual([{
      severity: 'error',
      field: 'budget.maxTrials',
      message: 'maxTrials (12) is more than the 10 grid points: Katib rejects it; set 10'
    }]);
    expect(fields(spec({ algorithm: 'grid' }))).toEqual([['error', 'parameters.lr.step']]);
  });

  it('wants two continuous parameters for cmaes', () => {
    expect(fields(spec({ algorithm: 'cmaes' }))).toEqual([]);
    expect(validateStudy(spec({
      algorithm: 'cmaes',
      parameters: [{ name: 'lr', type: 'double', min: 0.001, max: 0.1 }, { name: 'optimizer', type: 'categorical', list: ['adam', 'sgd'] }]
    }), graph)).toEqual([
      { severity: 'error', field: 'algorithm', message: 'cmaes needs two or more continuous (double or int) parameters; this space has 1' },
      { severity: 'error', field: 'parameters.optimizer.type', message: 'optimizer: cmaes cannot search a categorical parameter' }
    ]);
  });

  it('warns when more trials run at once than there are', () => {
    expect(validateStudy(spec({ budget: { maxTrials: 2, parallelTrials: 3, maxFailedTrials: 0 } }), graph)).toEqual([{
      severity: 'warning',
      field: 'budget.parallelTrials',
      message: 'parallelTrials (3) is more than maxTrials (2): at most 2 run at once'
    }]);
  });
});

describe('grid', () => {
  it('enumerates steps without float noise', () => {
    expect(gridValues({ name: 'x', type: 'double', min: 0.1, max: 0.5, step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(gridValues({ name: 'n', type: 'int', min: 1, max: 10, step: 3 })).toEqual([1, 4, 7, 10]);
    expect(gridSize([{ name: 'n', type: 'int', min: 1, max: 3 }, { name: 'c', type: 'discrete', list: [1, 2] }])).toBe(6);
    expect(gridSize([{ name: 'x', type: 'double', min: 0, max: 1 }])).toBeNull();
  });
});

describe('parseSpaceArg', () => {
  it('reads the four forms', () => {
    expect(parseSpaceArg('lr=loguniform:1e-4:1e-1')).toEqual({ name: 'lr', type: 'double', min: 0.0001, max: 0.1, log: true });
    expect(parseSpaceArg('x=uniform:-1:2.5')).toEqual({ name: 'x', type: 'double', min: -1, max: 2.5 });
    expect(parseSpaceArg('n=int:10:200')).toEqual({ name: 'n', type: 'int', min: 10, max: 200 });
    expect(parseSpaceArg('n=int:10:200:10')).toEqual({ name: 'n', type: 'int', min: 10, max: 200, step: 10 });
    expect(parseSpaceArg('opt=choice:adam,sgd')).toEqual({ name: 'opt', type: 'categorical', list: ['adam', 'sgd'] });
    expect(parseSpaceArg('bs=choice:16,32,64')).toEqual({ name: 'bs', type: 'discrete', list: [16, 32, 64] });
  });

  it('says what is wrong', () => {
    expect(() => parseSpaceArg('lr')).toThrow(SpaceSyntaxError);
    expect(() => parseSpaceArg('lr=normal:0:1')).toThrow('unknown form "normal"');
    expect(() => parseSpaceArg('lr=uniform:a:1')).toThrow('LO "a" is not a number');
    expect(() => parseSpaceArg('lr=uniform:1')).toThrow('expected uniform:LO:HI');
    expect(() => parseSpaceArg('o=choice:a,,b')).toThrow('expected choice:A,B,C');
  });
});

describe('trialValue', () => {
  it('turns categorical text into the parameter type', () => {
    expect(trialValue('true', 'bool')).toBe(true);
    expect(trialValue('32', 'int')).toBe(32);
    expect(trialValue('adam', 'str')).toBe('adam');
    expect(trialValue(0.5, 'float')).toBe(0.5);
    expect(trialValue(3.0, 'int')).toBe(3);
  });
});

describe('notebook metadata kubeflow.tuning', () => {
  it('is read into the settings', () => {
    const read = readAnnotations(nb({ name: 'p', tuning: spec() }));
    expect(read.problems).toEqual([]);
    expect(read.settings).toEqual({ name: 'p', tuning: spec() });
  });

  it('is dropped with an error at the field when malformed', () => {
    const read = readAnnotations(nb({ tuning: { ...spec(), algorithm: 'hyperband', budget: { maxTrials: 'ten', parallelTrials: 1, maxFailedTrials: 0 } } }));
    expect(read.settings).toEqual({});
    expect(read.problems.map(p => [p.field, p.message])).toEqual([
      ['tuning.algorithm', 'notebook metadata: algorithm must be one of random, grid, tpe, multivariate-tpe, cmaes, sobol, bayesianoptimization, not "hyperband"'],
      ['tuning.budget.maxTrials', 'notebook metadata: maxTrials must be a whole number, not "ten"']
    ]);
  });

  it('reads a request body the same way', () => {
    expect(readStudySpec({ ...spec(), extra: 1 }).problems).toEqual([
      { severity: 'error', field: 'extra', message: 'unknown field extra (expected parameters, objective, algorithm, budget, seed)' }
    ]);
    expect(readStudySpec('x').problems[0].field).toBe('study');
  });
});
