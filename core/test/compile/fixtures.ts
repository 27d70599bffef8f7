/** Hand-built step graphs (the compiler's tests do not need the analysis). */
import { METRICS_STEP_NAME } from '../../src/names';
import { PipelineGraph, PipelineStep } from '../../src/types';

export function step(name: string, fields: Partial<PipelineStep> = {}): PipelineStep {
  return {
    name,
    cells: [],
    inputs: [],
    parameters: [],
    sources: {},
    outputs: [],
    after: [],
    settings: {},
    ...fields
  };
}

/**
 * cells: 0 imports, 1 parameters, 2 load_data, 3 train, 4 metrics.
 * load_data -> train (data) -> pipeline-metrics (accuracy).
 */
export function twoSteps(): PipelineGraph {
  return {
    pipeline: { name: 'Demo Pipeline', description: 'two steps and metrics' },
    parameters: [
      { name: 'n_rows', type: 'int', default: 10, cell: 1 },
      { name: 'rate', type: 'float', default: 0.5, cell: 1 },
      { name: 'label', type: 'str', default: 'yes', cell: 1 },
      { name: 'shuffle', type: 'bool', default: true, cell: 1 },
      { name: 'layers', type: 'list', default: [1, 2], cell: 1 },
      { name: 'opts', type: 'dict', default: { a: 1 }, cell: 1 }
    ],
    metrics: ['accuracy'],
    metricsStep: step(METRICS_STEP_NAME, {
      cells: [4],
      inputs: ['accuracy'],
      sources: { accuracy: 'train' },
      after: ['train']
    }),
    roleCells: { imports: [0], functions: [], parameters: [1], metrics: [4] },
    steps: [
      step('load_data', {
        cells: [2],
        parameters: ['n_rows', 'shuffle'],
        outputs: ['data']
      }),
      step('train', {
        cells: [3],
        inputs: ['data'],
        parameters: ['rate'],
        sources: { data: 'load_data' },
        outputs: ['accuracy'],
        after: ['load_data']
      })
    ],
    problems: [],
    sources: [
      'import math\n%matplotlib inline',
      'n_rows = 10\nrate = 0.5',
      'data = list(range(n_rows))\n!pip install nothing',
      'accuracy = rate * len(data) / n_rows if False else rate',
      'accuracy'
    ]
  };
}
