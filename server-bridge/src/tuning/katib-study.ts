/**
 * `POST /api/studies` with `target: 'kubeflow'`: the study as a Katib
 * Experiment in the user's namespace, created with the user's own scoped
 * token (identity/scoped.ts via kube/objects.ts), so the cluster's RBAC
 * decides. Before creating, core's katibPrechecks explain what Katib would
 * refuse (the namespace label, the name, the space); `dryRun: true` returns
 * the Experiment and the problems without creating it (the Tune view shows
 * the YAML before it is submitted). A created Experiment is recorded as a
 * study and watched, with its Trials (katib-watch.ts), so `/api/studies`
 * and the study/trial events show it like a local study.
 */
import { randomBytes } from 'node:crypto';
import { analyzeNotebook } from '../../../core/src/analysis';
import { experimentName, katibPrechecks } from '../../../core/src/tuning/prechecks';
import { katibExperiment } from '../../../core/src/tuning/katib';
import type { StudySpec, StudyProblem } from '../../../core/src/tuning/spec';
import { trialSteps, TrialPlanError } from '../../../core/src/tuning/trial-plan';
import { errorsOf, validateStudy } from '../../../core/src/tuning/validate';
import { compileNotebook, loadNotebook, NotebookSource } from '../engines/local/notebook';
import { EngineError } from '../engines/local/types';
import { loadK8s } from '../identity/k8s';
import type { Identity } from '../identity/setup';
import { EXPERIMENT, KubeObject, KubeObjects } from '../kube/objects';
import type { StartWatch } from '../kube/watch';
import type { Logger } from '../log';
import type { StudyStore } from './store';
import { KatibWatches, StudyPublish } from './katib-watch';
import type { StudyWithTrials } from './types';

export interface KatibStudyRequest {
  notebook: NotebookSource;
  spec: StudySpec;
  user: string;
  /** The Experiment's name (default: the pipeline's name and a random suffix). */
  name?: string;
  /** The trial pod's image (default: the notebook's image). */
  image?: string;
  dryRun?: boolean;
  /** The namespace the caller means: it must be their own (the Experiment goes nowhere else). */
  namespace?: string;
}

export interface KatibStudyAnswer {
  status: 200 | 201;
  /** `study`: the recorded study (created Experiments only, when the bridge records them). */
  body: { target: 'kubeflow'; namespace: string; experiment: KubeObject; problems: StudyProblem[]; created: boolean; study?: StudyWithTrials };
}

export type KatibStudies = (request: KatibStudyRequest) => Promise<KatibStudyAnswer>;

/** The cluster calls, as the user (a seam for tests: the Kubernetes client is ESM-only under jest). */
export interface KatibCluster {
  /** The user's namespace and its labels (null when the user may not read the Namespace, the usual case). */
  namespaceOf(user: string): Promise<{ namespace: string; labels: { [key: string]: string } | null }>;
  create(user: string, experiment: KubeObject): Promise<KubeObject>;
}

/** The user's own token for both calls (identity/scoped.ts), so the cluster's RBAC decides. */
export function scopedCluster(identity: Exclude<Identity, { mode: 'none' }>): KatibCluster {
  const objects = new KubeObjects(identity.kube);
  return {
    namespaceOf: async user => {
      const { identity: who, config } = await identity.kube.forUser(user);
      return { namespace: who.namespace, labels: await namespaceLabels(config, who.namespace) };
    },
    create: async (user, experiment) => (await objects.create(user, EXPERIMENT, experiment)).object
  };
}

/** Undefined without an identity mode: the route answers 501. */
/**
 * The recorder and watcher of Katib studies, as each study's user (undefined
 * without an identity mode); studies Katib had not finished are watched again.
 */
export function katibWatches(identity: Identity, store: StudyStore, publish: StudyPublish, log: Logger, startWatch?: StartWatch): KatibWatches | undefined {
  if (identity.mode === 'none') {
    return undefined;
  }
  const objects = new KubeObjects(identity.kube);
  const watches = new KatibWatches(store, identity.kube, async (user, name, ops) => (await objects.patch(user, EXPERIMENT, name, ops)).object, publish, log, startWatch);
  const resumed = watches.resumeAll();
  if (resumed.length) {
    log.info('katib studies watched again', { studies: resumed.length });
  }
  return watches;
}

export function katibStudies(identity: Identity, rootDir: string, cluster?: KatibCluster, watches?: KatibWatches): KatibStudies | undefined {
  if (identity.mode === 'none') {
    return undefined;
  }
  const kube = cluster ?? scopedCluster(identity);
  return async request => {
    const { doc, path } = loadNotebook(rootDir, request.notebook);
    const graph = analyzeNotebook(doc, { defaultName: path ? path.split('/').pop()!.replace(/\.ipynb$/i, '') : undefined });
    const invalid = errorsOf(validateStudy(request.spec, graph));
    if (invalid.length) {
      throw new EngineError(invalid[0].message, 400, `spec.${invalid[0].field}`);
    }
    const compiled = compileNotebook(rootDir, request.notebook);
    const who = await kube.namespaceOf(request.user);
    if (request.namespace !== undefined && request.namespace !== who.namespace) {
      // Refused here, before anything is built or sent: the user's token might reach further than their namespace.
      throw new EngineError(`you may create a Katib Experiment only in your namespace '${who.namespace}', not in '${request.namespace}'`, 403, 'namespace');
    }
    const labels = who.labels;
    const name = request.name ?? experimentName(graph.pipeline.name, randomBytes(2).toString('hex'));
    let experiment: KubeObject;
    let stepImages: Array<string | null>;
    try {
      experiment = katibExperiment(request.spec, graph, compiled.pipelineSpec, { name, namespace: who.namespace, image: request.image }) as KubeObject;
      stepImages = trialSteps(compiled.pipelineSpec, []).map(s => s.image);
    } catch (err) {
      if (err instanceof TrialPlanError) {
        throw new EngineError(`a Katib trial cannot run this pipeline: ${err.message}`, 400, 'notebook');
      }
      throw err;
    }
    const image = (experiment.spec as any).trialTemplate.trialSpec.spec.template.spec.containers[0].image as string;
    const problems = katibPrechecks(labels, request.spec, { name, namespace: who.namespace, image, stepImages });
    if (request.dryRun) {
      return { status: 200, body: { target: 'kubeflow', namespace: who.namespace, experiment, problems, created: false } };
    }
    const refused = errorsOf(problems);
    if (refused.length) {
      throw new EngineError(refused[0].message, 400, refused[0].field === 'name' ? 'name' : refused[0].field === 'namespace' ? 'target' : `spec.${refused[0].field}`);
    }
    const object = await kube.create(request.user, experiment);
    const study = watches?.record({
      user: request.user, notebook: compiled.path, pipeline: graph.pipeline.name, spec: request.spec,
      namespace: who.namespace, experiment: object, ir: compiled.pipelineSpec
    });
    return { status: 201, body: { target: 'kubeflow', namespace: who.namespace, experiment: object, problems, created: true, ...(study ? { study } : {}) } };
  };
}

/** The namespace's labels, or null when the user may not read the Namespace (the usual case). */
async function namespaceLabels(config: import('../identity/k8s').KubeConfig, namespace: string): Promise<{ [key: string]: string } | null> {
  try {
    const k8s = await loadK8s();
    const ns = await config.makeApiClient(k8s.CoreV1Api).readNamespace({ name: namespace });
    return ns.metadata?.labels ?? {};
  } catch {
    return null;
  }
}
