/**
 * A study as a Katib Experiment (kubeflow.org/v1beta1): the same space,
 * objective, algorithm and budget, and a trial template whose Job runs the
 * pipeline's step programs in one pod (trial-plan.ts). Pure: the bridge
 * creates the object with the user's token; the Tune view shows it as YAML
 * before it is submitted.
 */
import { DEFAULT_IMAGE } from '../compile/pipeline';
import type { PipelineGraph } from '../types';
import type { SearchParameter, StudySpec } from './spec';
import { TRIAL_RUNNER, trialSteps } from './trial-plan';

export interface KatibOptions {
  name: string;
  namespace: string;
  /** The trial pod's image (default: the notebook's image, else the compiler's default). */
  image?: string;
}

/** The container Katib's StdOut collector reads. */
export const PRIMARY_CONTAINER = 'main';

/** Algorithms whose Katib suggestion service takes `random_state`. */
const SEEDED = ['random', 'tpe', 'multivariate-tpe', 'cmaes', 'bayesianoptimization'];

/** Katib keeps every feasible-space value as text. */
function feasibleSpace(p: SearchParameter): { [key: string]: unknown } {
  if (p.type === 'categorical' || p.type === 'discrete') {
    return { list: (p.list ?? []).map(String) };
  }
  return {
    min: String(p.min),
    max: String(p.max),
    ...(p.step === undefined ? {} : { step: String(p.step) }),
    distribution: p.log ? 'logUniform' : 'uniform'
  };
}

export function katibExperiment(
  spec: StudySpec,
  graph: Pick<PipelineGraph, 'metrics' | 'pipeline'>,
  ir: object,
  options: KatibOptions
): { [key: string]: unknown } {
  const tuned = spec.parameters.map(p => p.name);
  const steps = trialSteps(ir, tuned).map(s => JSON.stringify({ name: s.name, command: s.command }));
  const image = options.image ?? graph.pipeline.image ?? DEFAULT_IMAGE;
  const { metric, direction, goal } = spec.objective;
  const seeded = spec.seed !== undefined && SEEDED.includes(spec.algorithm);
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { 'app.kubernetes.io/created-by': 'jupyterlab-kubeflow' }
    },
    spec: {
      objective: {
        type: direction,
        objectiveMetricName: metric,
        ...(goal === undefined ? {} : { goal }),
        additionalMetricNames: graph.metrics.filter(m => m !== metric)
      },
      algorithm: {
        algorithmName: spec.algorithm,
        ...(seeded ? { algorithmSettings: [{ name: 'random_state', value: String(spec.seed) }] } : {})
      },
      parallelTrialCount: spec.budget.parallelTrials,
      maxTrialCount: spec.budget.maxTrials,
      maxFailedTrialCount: spec.budget.maxFailedTrials,
      parameters: spec.parameters.map(p => ({ name: p.name, parameterType: p.type, feasibleSpace: feasibleSpace(p) })),
      metricsCollectorSpec: { collector: { kind: 'StdOut' } },
      trialTemplate: {
        primaryContainerName: PRIMARY_CONTAINER,
        // Pods are kept so a trial's log can be read after it finished.
        retain: true,
        trialParameters: spec.parameters.map(p => ({ name: p.name, reference: p.name, description: `pipeline parameter ${p.name}` })),
        trialSpec: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          spec: {
            backoffLimit: 0,
            template: {
              // Without it, an Istio sidecar keeps the pod (and so the Job) running.
              metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } },
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: PRIMARY_CONTAINER, image, command: ['python3', '-u', '-c', TRIAL_RUNNER], args: steps }]
              }
            }
          }
        }
      }
    }
  };
}
