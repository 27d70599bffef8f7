/**
 * Bandit routing on KServe: an InferenceGraph (serving.kserve.io/v1alpha1)
 * whose root node is a `Splitter` over one InferenceService per live
 * version. KServe's router picks a step at random by `weight` for every
 * request; the bridge changes the weights from the rewards it is sent, one
 * patch per batch of feedback. KServe requires the weights of a Splitter to
 * add up to 100, so they are whole percentages (largest remainder).
 */

export const GRAPH_API_VERSION = 'serving.kserve.io/v1alpha1';

export interface GraphTarget {
  /** The InferenceService that serves this version. */
  serviceName: string;
}

export interface GraphStep {
  name: string;
  serviceName: string;
  weight: number;
}

/** Shares (any non-negative numbers) -> whole percentages adding up to exactly 100. */
export function percentages(shares: number[]): number[] {
  if (shares.length === 0) {
    return [];
  }
  const clean = shares.map(s => (Number.isFinite(s) && s > 0 ? s : 0));
  const total = clean.reduce((a, b) => a + b, 0);
  const exact = total === 0 ? clean.map(() => 100 / clean.length) : clean.map(s => (s / total) * 100);
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  // Largest remainder first; ties go to the earlier (the champion).
  const order = exact.map((x, i) => ({ i, r: x - floors[i] })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) {
      break;
    }
    floors[i] += 1;
    left -= 1;
  }
  return floors;
}

export function inferenceGraph(
  name: string,
  versions: GraphTarget[],
  weights: number[],
  namespace?: string
): { apiVersion: string; kind: 'InferenceGraph'; metadata: { name: string; namespace?: string }; spec: { nodes: { root: { routerType: 'Splitter'; steps: GraphStep[] } } } } {
  if (versions.length === 0 || versions.length !== weights.length) {
    throw new Error(`an InferenceGraph Splitter needs one weight per version (${versions.length} versions, ${weights.length} weights)`);
  }
  const percent = percentages(weights);
  return {
    apiVersion: GRAPH_API_VERSION,
    kind: 'InferenceGraph',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      nodes: {
        root: {
          routerType: 'Splitter',
          steps: versions.map((v, i) => ({ name: v.serviceName, serviceName: v.serviceName, weight: percent[i] }))
        }
      }
    }
  };
}

/** The edit that sets new weights on an existing graph (same steps, same order). */
export function graphWeightsPatch(weights: number[]): { op: 'replace'; path: string; value: number }[] {
  return percentages(weights).map((w, i) => ({ op: 'replace', path: `/spec/nodes/root/steps/${i}/weight`, value: w }));
}
