import { analyzeNotebook } from '../../src/analysis';
import { compilePipeline } from '../../src/compile';
import {
  experimentName, katibExperiment, katibPrechecks, METRICS_COLLECTOR_LABEL, StudySpec, TRIAL_ROOT, trialSteps
} from '../../src/tuning';
import type { NotebookDocument } from '../../src/types';

type Any = { [key: string]: any };
const cell = (source: string, kubeflow: unknown) => ({ cell_type: 'code' as const, source, metadata: { kubeflow } });
const doc: NotebookDocument = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kubeflow: { name: 'quad', image: 'registry.example/quad:1' } },
  cells: [
    cell('x = 1.0\ny = 0.0\nlabel = "a"', { role: 'parameters' }),
    cell('base = 3', { step: 'prep' }),
    cell('score = -(x - 2) ** 2 - (y + 1) ** 2 + base - 3\nother = len(label)', { step: 'train' }),
    cell('score\nother', { role: 'metrics' })
  ]
};
const graph = analyzeNotebook(doc);
const ir = compilePipeline(graph).pipelineSpec;
const spec: StudySpec = {
  parameters: [
    { name: 'x', type: 'double', min: -5, max: 5 },
    { name: 'y', type: 'double', min: 0.001, max: 10, log: true, step: 0.5 }
  ],
  objective: { metric: 'score', direction: 'maximize', goal: -0.01 },
  algorithm: 'tpe',
  budget: { maxTrials: 20, parallelTrials: 2, maxFailedTrials: 3 },
  seed: 7
};

describe('katibExperiment', () => {
  const exp = katibExperiment(spec, graph, ir, { name: 'quad-tune', namespace: 'team-a' }) as Any;

  it('maps space, objective, algorithm and budget onto the Experiment', () => {
    expect(exp.apiVersion).toBe('kubeflow.org/v1beta1');
    expect(exp.kind).toBe('Experiment');
    expect(exp.metadata).toEqual({ name: 'quad-tune', namespace: 'team-a', labels: { 'app.kubernetes.io/created-by': 'jupyterlab-kubeflow' } });
    const { trialTemplate, ...rest } = exp.spec;
    expect(rest).toEqual({
      objective: { type: 'maximize', objectiveMetricName: 'score', goal: -0.01, additionalMetricNames: ['other'] },
      algorithm: { algorithmName: 'tpe', algorithmSettings: [{ name: 'random_state', value: '7' }] },
      parallelTrialCount: 2,
      maxTrialCount: 20,
      maxFailedTrialCount: 3,
      parameters: [
        { name: 'x', parameterType: 'double', feasibleSpace: { min: '-5', max: '5', distribution: 'uniform' } },
        { name: 'y', parameterType: 'double', feasibleSpace: { min: '0.001', max: '10', step: '0.5', distribution: 'logUniform' } }
      ],
      metricsCollectorSpec: { collector: { kind: 'StdOut' } }
    });
    expect(trialTemplate.primaryContainerName).toBe('main');
    expect(trialTemplate.retain).toBe(true);
    expect(trialTemplate.trialParameters).toEqual([
      { name: 'x', reference: 'x', description: 'pipeline parameter x' },
      { name: 'y', reference: 'y', description: 'pipeline parameter y' }
    ]);
  });

  it('runs every step in order in one pod of a Job, without an Istio sidecar', () => {
    const job = exp.spec.trialTemplate.trialSpec;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.metadata).toEqual({ annotations: { 'sidecar.istio.io/inject': 'false' } });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [container] = job.spec.template.spec.containers;
    expect(container.name).toBe('main');
    expect(container.image).toBe('registry.example/quad:1');
    expect(container.command.slice(0, 3)).toEqual(['python3', '-u', '-c']);
    const steps = container.args.map((a: string) => JSON.parse(a));
    expect(steps.map((s: Any) => s.name)).toEqual(['prep', 'train', 'pipeline-metrics']);
    expect(steps[0].command.slice(4)).toEqual(['--out', 'base', `${TRIAL_ROOT}/prep/base`]);
    expect(steps[1].command.slice(4)).toEqual([
      '--param', 'label', 'a',
      '--param', 'x', '${trialParameters.x}',
      '--param', 'y', '${trialParameters.y}',
      '--in', 'base', `${TRIAL_ROOT}/prep/base`,
      '--out', 'other', `${TRIAL_ROOT}/train/other`,
      '--out', 'score', `${TRIAL_ROOT}/train/score`
    ]);
    expect(steps[2].command.slice(4)).toEqual([
      '--in', 'other', `${TRIAL_ROOT}/train/other`, '--in', 'score', `${TRIAL_ROOT}/train/score`,
      '--metrics', `${TRIAL_ROOT}/pipeline-metrics/metrics`, '--executor-input', '{}'
    ]);
  });

  it('seeds only the algorithms whose Katib service takes random_state', () => {
    const grid = katibExperiment({ ...spec, algorithm: 'sobol' }, graph, ir, { name: 'q', namespace: 'n', image: 'img' }) as Any;
    expect(grid.spec.algorithm).toEqual({ algorithmName: 'sobol' });
    expect(grid.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].image).toBe('img');
  });
});

describe('trialSteps', () => {
  it('keeps defaults of parameters that are not tuned', () => {
    const steps = trialSteps(ir, ['x']);
    const train = steps.find(s => s.name === 'train')!.command;
    expect(train[train.indexOf('y', train.indexOf('--param')) + 1]).toBe('0');
  });
});

describe('katibPrechecks', () => {
  it('explains the missing namespace label, a bad name and a bad space', () => {
    const bad: StudySpec = { ...spec, algorithm: 'cmaes', parameters: [{ name: 'x', type: 'double', min: 1, max: 0 }] };
    expect(katibPrechecks({}, bad, { name: 'Quad_Tune', namespace: 'team-a' })).toEqual([
      {
        severity: 'error',
        field: 'namespace',
        message: 'team-a lacks the label katib.kubeflow.org/metrics-collector-injection=enabled: Katib\'s webhook would refuse the Experiment (an admin runs: kubectl label namespace team-a katib.kubeflow.org/metrics-collector-injection=enabled)'
      },
      {
        severity: 'error',
        field: 'name',
        message: 'experiment name "Quad_Tune" must be a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter, at most 63 characters'
      },
      { severity: 'error', field: 'parameters.x.max', message: 'x: min (1) must be less than max (0)' },
      { severity: 'error', field: 'algorithm', message: 'cmaes needs two or more continuous (double or int) parameters; this space has 1' }
    ]);
  });

  it('passes a labelled namespace and warns about step images', () => {
    expect(katibPrechecks({ [METRICS_COLLECTOR_LABEL]: 'enabled' }, spec, { name: 'quad-tune', image: 'a', stepImages: ['a', 'b', null] })).toEqual([
      { severity: 'warning', field: 'image', message: 'a trial runs every step in one pod with a; steps that set b run with it too' }
    ]);
  });

  it('warns when the labels cannot be read', () => {
    expect(katibPrechecks(null, spec, { namespace: 'team-a' })).toEqual([{
      severity: 'warning',
      field: 'namespace',
      message: 'the labels of team-a could not be read: Katib refuses the Experiment unless it has katib.kubeflow.org/metrics-collector-injection=enabled'
    }]);
  });

  it('makes Katib-safe names', () => {
    expect(experimentName('Wine Classifier!', 'x7k2')).toBe('wine-classifier-x7k2');
    expect(experimentName('2nd_try', 'ab')).toBe('study-2nd-try-ab');
    expect(experimentName('a'.repeat(60), 'abcd').length).toBe(40);
  });
});
