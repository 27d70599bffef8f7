/**
 * Runs every case of `test/corpus/*.json` and asserts the exact steps
 * (inputs, outputs, parameters, after), metrics and problems.
 */
import { analyzeNotebook } from '../src/analysis';
import type { PipelineStep, Problem } from '../src/types';
import { CORPUS } from './corpus';
import { ExpectedProblem, ExpectedStep, notebookOf } from './corpus/runner';

const cases = CORPUS;

function stepView(step: PipelineStep, expected: ExpectedStep) {
  const view: { [key: string]: unknown } = {
    inputs: step.inputs,
    outputs: step.outputs,
    parameters: step.parameters,
    after: step.after
  };
  if (expected.cells) view.cells = step.cells;
  if (expected.sources) view.sources = step.sources;
  return view;
}

function problemView(problem: Problem, expected: ExpectedProblem | undefined) {
  const view: { [key: string]: unknown } = { severity: problem.severity, cell: problem.cell };
  for (const key of ['name', 'step', 'field', 'line'] as const) {
    if (expected?.[key] !== undefined) view[key] = problem[key];
  }
  if (expected?.match !== undefined) {
    view.match = problem.message.includes(expected.match) ? expected.match : problem.message;
  }
  return view;
}

describe('analysis corpus', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('%s', (_, testCase) => {
    const graph = analyzeNotebook(notebookOf(testCase));
    const want = testCase.expect;
    expect(graph.steps.map(step => step.name)).toEqual(Object.keys(want.steps));
    const steps: { [name: string]: unknown } = {};
    const expected: { [name: string]: unknown } = {};
    for (const step of graph.steps) {
      const spec = want.steps[step.name];
      steps[step.name] = stepView(step, spec);
      expected[step.name] = { parameters: [], ...spec };
    }
    expect(steps).toEqual(expected);
    if (want.metricsStep !== undefined) {
      expect(graph.metricsStep && stepView(graph.metricsStep, want.metricsStep!)).toEqual(
        want.metricsStep && { parameters: [], ...want.metricsStep }
      );
    }
    if (want.parameters !== undefined) {
      expect(graph.parameters.map(({ name, type, default: value }) => ({ name, type, default: value }))).toEqual(
        want.parameters
      );
    }
    if (want.metrics !== undefined) {
      expect(graph.metrics).toEqual(want.metrics);
    }
    if (want.pipeline !== undefined) {
      expect(graph.pipeline.name).toEqual(want.pipeline);
    }
    expect(graph.problems.map((problem, i) => problemView(problem, want.problems[i]))).toEqual(
      want.problems.map(({ match, ...rest }) => (match === undefined ? rest : { ...rest, match }))
    );
  });
});
