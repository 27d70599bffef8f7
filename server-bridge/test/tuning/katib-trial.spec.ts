/**
 * The Katib trial's Job, run here: Katib's substitution of
 * `${trialParameters.<name>}` done on the trial spec's text (as Katib does),
 * then the container's command run with this machine's Python. The step
 * programs run in order in one process tree and the metrics come out on
 * stdout in the form Katib's StdOut collector parses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeNotebook } from '../../../core/src/analysis';
import { compilePipeline } from '../../../core/src/compile';
import { katibExperiment, TRIAL_ROOT } from '../../../core/src/tuning';
import type { NotebookDocument } from '../../../core/src/types';
import { PYTHON } from '../engine/helpers';
import { FOUR_STEPS, QUADRATIC, spec } from './helpers';

/** Katib's StdOut collector's default metric pattern. */
const KATIB_METRIC = /([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)/g;

function runTrial(nb: unknown, values: { [name: string]: string }, tuned: string[], metric: string): { stdout: string; metrics: { [name: string]: number } } {
  const graph = analyzeNotebook(nb as NotebookDocument);
  const ir = compilePipeline(graph).pipelineSpec;
  const s = spec({ parameters: tuned.map(name => ({ name, type: 'double', min: 0.001, max: 10 })), objective: { metric, direction: 'maximize' } });
  const experiment = katibExperiment(s, graph, ir, { name: 'e', namespace: 'n' }) as any;
  const pod = mkdtempSync(join(tmpdir(), 'kubeflow-trial-pod-'));
  try {
    let text = JSON.stringify(experiment.spec.trialTemplate.trialSpec);
    for (const [name, value] of Object.entries(values)) {
      text = text.split(`\${trialParameters.${name}}`).join(value);
    }
    // The pod's own folder and Python stand in for the container's.
    text = text.split(TRIAL_ROOT).join(pod).split('"python3"').join(JSON.stringify(PYTHON));
    const container = JSON.parse(text).spec.template.spec.containers[0];
    const [exe, ...args] = [...container.command, ...container.args];
    const stdout = execFileSync(exe, args, { cwd: pod, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });
    const metrics: { [name: string]: number } = {};
    for (const m of stdout.matchAll(KATIB_METRIC)) {
      metrics[m[1]] = Number(m[2]);
    }
    return { stdout, metrics };
  } finally {
    rmSync(pod, { recursive: true, force: true });
  }
}

jest.setTimeout(60000);

it('runs the pipeline in one process tree with the trial parameters substituted', () => {
  const { metrics } = runTrial(QUADRATIC, { x: '2.5', y: '-1' }, ['x', 'y'], 'score');
  expect(metrics).toEqual({ score: -0.25 });
});

it('runs four steps in order, the untuned parameters at their defaults', () => {
  const { stdout, metrics } = runTrial(FOUR_STEPS(), { alpha: '0.015' }, ['alpha'], 'loss');
  const features = Array.from({ length: 100 }, (_, r) => r * 2 + 1);
  const expected = features.reduce((sum, f) => sum + (f * 0.015 - 3) ** 2, 0) / features.length;
  expect(metrics.loss).toBeCloseTo(expected, 9);
  expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(/^loss=/)]);
});
