/**
 * Shared by the tuning specs: notebooks whose metric is a known function of
 * the tuned parameters, studies on a real engine (real SQLite, real Python
 * subprocesses, the venv's Optuna).
 */
import { code, notebook, PYTHON, Sandbox } from '../engine/helpers';
import type { LocalEngine } from '../../src/engines/local/engine';
import { StudyManager } from '../../src/tuning/manager';
import type { StudySpec } from '../../../core/src/tuning/spec';

export { PYTHON };

/** score = -(x - 2)^2 - (y + 1)^2: best 0 at x = 2, y = -1. */
export const QUADRATIC = notebook([
  code('x = 0.0\ny = 0.0', { role: 'parameters' }),
  code('score = -(x - 2) ** 2 - (y + 1) ** 2', { step: 'train' }),
  code('score', { role: 'metrics' })
]);

/** Four steps; only the last uses the tuned `alpha` (the first three are cache hits after trial 0). */
export const FOUR_STEPS = (sleep = 0) => notebook([
  code('import time', { role: 'imports' }),
  code('alpha = 1.0', { role: 'parameters' }),
  code(`time.sleep(${sleep})\nraw = list(range(100))`, { step: 'load' }),
  code(`time.sleep(${sleep})\nclean = [r * 2 for r in raw]`, { step: 'clean' }),
  code(`time.sleep(${sleep})\nfeatures = [c + 1 for c in clean]`, { step: 'features' }),
  code('loss = sum((f * alpha - 3) ** 2 for f in features) / len(features)', { step: 'fit' }),
  code('loss', { role: 'metrics' })
], undefined);

export const spec = (over: Partial<StudySpec>): StudySpec => ({
  parameters: [
    { name: 'x', type: 'double', min: -5, max: 5 },
    { name: 'y', type: 'double', min: -5, max: 5 }
  ],
  objective: { metric: 'score', direction: 'maximize' },
  algorithm: 'tpe',
  budget: { maxTrials: 4, parallelTrials: 1, maxFailedTrials: 0 },
  seed: 1,
  ...over
});

/** A manager on the sandbox's engine (one engine per data folder: a second would recover its runs). */
export function studies(box: Sandbox, parallelism?: number): { manager: StudyManager; engine: LocalEngine } {
  const engine = box.engine(parallelism === undefined ? {} : { parallelism });
  return { manager: new StudyManager(engine, { python: PYTHON }), engine };
}
