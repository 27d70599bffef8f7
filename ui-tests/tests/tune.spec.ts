/**
 * Tune a small pipeline from JupyterLab: the search space starts from the
 * parameters cell, problems show at their field, a local study (random,
 * seeded) fills the trial table and the charts live, and "Apply best
 * trial" rewrites the parameters cell's literals as an undoable edit.
 */
import { expect, test } from '@jupyterlab/galata';
import { annotatedNotebook, AnnotatedCell, openKubeflowPanel } from './notebooks';
import type { Page } from '@playwright/test';

test.use({ mockState: false, mockUser: false });

const TUNE = '.jp-KubeflowTune-body';


// score peaks at x = 1, y = 3 (0 there); the literals are elsewhere.
const CELLS: AnnotatedCell[] = [
  ['import math', { role: 'imports' }],
  ['# knobs\nx = 0.5  # a float\ny = 2  # an int', { role: 'parameters' }],
  ['score = -((x - 1) ** 2) - (y - 3) ** 2\nroot = math.sqrt(abs(score))\nprint("score", score)', { step: 'evaluate' }],
  ['score\nroot', { role: 'metrics' }]
];



/** The notebook's model, wherever the focus is. */
const onModel = <T>(page: Page, path: string, read: string) =>
  page.evaluate(
    ([p, body]) => {
      const panel = Array.from((window as any).jupyterapp.shell.widgets('main') as Iterable<any>).find(w => w.context?.path === p);
      return new Function('model', body)(panel.content.model);
    },
    [path, read]
  ) as Promise<T>;

const parametersSource = (page: Page, path: string) => onModel<string>(page, path, 'return model.cells.get(1).sharedModel.getSource();');

test('tune from the parameters cell: study live in table and charts, apply the best trial, undo it', async ({ page, tmpPath }) => {
  const name = `tune-${Date.now()}.ipynb`;
  const path = `${tmpPath}/${name}`;
  await page.contents.uploadContent(annotatedNotebook(CELLS), 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.activate(name);
  await openKubeflowPanel(page, 'kubeflow:open-tune');

  // The Tune section opens the notebook's Tune view.
  const section = page.locator('#jp-kubeflow-tune');
  await expect(section).toContainText('No study of this notebook yet.');
  await section.locator('[data-action="open-tune"]').click();
  const view = page.locator(TUNE);
  await expect(view.locator('tr[data-param="x"]')).toHaveAttribute('data-tuned', 'true');

  // The first space comes from the literals: x a log range around 0.5, y half to double 2.
  await expect(view.locator('input[name="parameters.x.min"]')).toHaveValue('0.05');
  await expect(view.locator('input[name="parameters.x.max"]')).toHaveValue('5');
  await expect(view.locator('input[name="parameters.y.min"]')).toHaveValue('1');
  await expect(view.locator('input[name="parameters.y.max"]')).toHaveValue('4');
  await expect(view.locator('select[name="objective.metric"]')).toHaveValue('score');

  // A problem shows at its field, and Start waits for it to be fixed.
  await view.locator('input[name="parameters.x.max"]').fill('0.01');
  await expect(view.locator('[data-field="parameters.x.max"] .jp-KubeflowTune-problems')).toContainText(
    'x: min (0.05) must be less than max (0.01)'
  );
  await expect(view.locator('[data-action="start"]')).toBeDisabled();

  // Configure: x in 0..2 (linear), y in 1..5, four random trials with a seed.
  await view.locator('input[name="parameters.x.log"]').uncheck();
  await view.locator('input[name="parameters.x.min"]').fill('0');
  await view.locator('input[name="parameters.x.max"]').fill('2');
  await view.locator('input[name="parameters.y.max"]').fill('5');
  await view.locator('select[name="algorithm"]').selectOption('random');
  await view.locator('input[name="budget.maxTrials"]').fill('4');
  await view.locator('input[name="budget.parallelTrials"]').fill('2');
  await view.locator('input[name="seed"]').fill('7');
  await expect(view.locator('.jp-KubeflowTune-problems')).toHaveCount(0);

  // The valid study is saved in the notebook's metadata (nothing was written while invalid).
  await expect
    .poll(() => onModel(page, path, 'const t = model.getMetadata("kubeflow").tuning; return [t.algorithm, t.budget.maxTrials, t.seed, t.parameters[0]];'))
    .toEqual(['random', 4, 7, { name: 'x', type: 'double', min: 0, max: 2, default: 0.5 }]);

  await expect(view.locator('[data-action="start"]')).toBeEnabled();
  await view.locator('[data-action="start"]').click();

  // Trials fill the table and the charts, live.
  const study = view.locator('.jp-KubeflowTune-study');
  await expect(study).toHaveAttribute('data-state', 'succeeded', { timeout: 120000 });
  const rows = study.locator('.jp-KubeflowTune-trials tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(study.locator('.jp-KubeflowTune-trials tbody tr[data-state="succeeded"]')).toHaveCount(4);
  await expect(study.locator('[data-chart="objective"] circle')).toHaveCount(4);
  await expect(study.locator('[data-chart="objective"] path[data-series="best"]')).toHaveCount(1);
  await expect(study.locator('[data-chart="parallel"] polyline')).toHaveCount(4);
  await expect(study.locator('tr.jp-mod-best')).toHaveCount(1);
  await expect(study.locator('polyline.jp-mod-best')).toHaveCount(1);
  await expect(section.locator('li[data-study]')).toHaveCount(1);

  // Sorting by the objective puts the best trial first when descending.
  const header = study.locator('th[data-sort="objective"]');
  await header.click();
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  const bestRow = study.locator('tr.jp-mod-best');
  await expect(rows.first()).toHaveAttribute('data-trial', (await bestRow.getAttribute('data-trial'))!);
  const bx = await bestRow.locator('[data-col="param:x"]').innerText();
  const by = await bestRow.locator('[data-col="param:y"]').innerText();

  // A trial opens its run: selected in the Runs section, its task states on the Pipeline DAG.
  const first = study.locator('.jp-KubeflowTune-trials tbody tr[data-trial="0"]');
  const run = (await first.getAttribute('title'))!.replace('Open run ', '');
  await first.click();
  await expect(page.locator(`#jp-kubeflow-runs tr[data-run="${run}"]`)).toHaveClass(/jp-mod-selected/);
  await expect(page.locator('#jp-kubeflow-pipeline [data-step="evaluate"]')).toHaveAttribute('data-state', 'succeeded');

  // Apply the best trial: only the literals change, comments stay.
  await study.locator('[data-action="apply-best"]').click();
  await expect.poll(() => parametersSource(page, path)).not.toBe('# knobs\nx = 0.5  # a float\ny = 2  # an int');
  const applied = await parametersSource(page, path);
  const m = /^# knobs\nx = (\S+)  # a float\ny = (\d+)  # an int$/.exec(applied);
  expect(m).not.toBeNull();
  expect(Number(Number(m![1]).toPrecision(6))).toBe(Number(bx));
  expect(m![1]).toMatch(/[.e]/);
  expect(m![2]).toBe(by);

  // Ctrl+Z in the cell undoes it as one edit.
  await page.locator('.jp-NotebookPanel').first().locator('.jp-Cell').nth(1).locator('.cm-content').click();
  await page.keyboard.press('Control+z');
  await expect.poll(() => parametersSource(page, path)).toBe('# knobs\nx = 0.5  # a float\ny = 2  # an int');
});
