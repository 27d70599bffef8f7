/**
 * Run a small pipeline from JupyterLab on the local engine: the Run button
 * and its parameters form, every DAG node turning succeeded, a step's log,
 * the metrics in the runs list; and a second page on the same notebook
 * seeing the same run live.
 */
import { expect, test } from '@jupyterlab/galata';
import { annotatedNotebook, AnnotatedCell, openKubeflowPanel } from './notebooks';
import type { Page } from '@playwright/test';

test.use({ mockState: false, mockUser: false });

const PIPELINE = '#jp-kubeflow-pipeline';
const RUNS = '#jp-kubeflow-runs';
const STEPS = ['load', 'total', 'pipeline-metrics'];


const CELLS: AnnotatedCell[] = [
  ['import statistics', { role: 'imports' }],
  ['n = 3\nscale = 0.5', { role: 'parameters' }],
  ['data = list(range(n))\nprint(f"loaded {len(data)} rows")', { step: 'load' }],
  ['total = sum(data) * scale\nspread = statistics.pstdev(data)\nprint("total is", total)', { step: 'total' }],
  ['print(total)', { role: 'metrics' }]
];



async function expectAllSucceeded(page: Page) {
  for (const step of STEPS) {
    await expect(page.locator(`${PIPELINE} [data-step="${step}"]`)).toHaveAttribute('data-state', 'succeeded', {
      timeout: 60000
    });
  }
}

test('run from the panel: form, live DAG states, logs, metrics; a second page sees it live', async ({
  page,
  browser,
  baseURL,
  tmpPath
}) => {
  // Run history lives in the bridge's data dir, which outlives the test: a fresh name.
  const name = `quick-${Date.now()}.ipynb`;
  const path = `${tmpPath}/${name}`;
  await page.contents.uploadContent(annotatedNotebook(CELLS), 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.activate(name);
  // The notebook toolbar has a Run button (checked before the panel narrows the notebook).
  const toolbarRun = page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="kubeflow-run-pipeline"]');
  await expect(toolbarRun.getByRole('button')).toBeVisible();
  await expect(toolbarRun).toContainText('Run');
  await openKubeflowPanel(page);
  await expect(page.locator(`${PIPELINE} [data-step="load"]`)).toHaveCount(1);
  await expect(page.locator(`${RUNS}`)).toContainText('No runs of this notebook yet.');

  const other = await browser.newContext();
  const pageB = await other.newPage();
  try {
    await pageB.goto(`${baseURL}/lab/tree/${path}`);
    await pageB.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await expect(pageB.locator('.jp-NotebookPanel .jp-Cell')).toHaveCount(CELLS.length);
    await openKubeflowPanel(pageB);
    await expect(pageB.locator(`${PIPELINE} [data-step="total"]`)).toHaveCount(1);
    await expect(pageB.locator(`${PIPELINE} [data-step="total"]`)).not.toHaveAttribute('data-state', /.+/);

    // Run: the form is prefilled from the parameters cell and checks types.
    await page.locator(`${PIPELINE} [data-action="run"]`).click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('input[name="n"]')).toHaveValue('3');
    await expect(dialog.locator('input[name="scale"]')).toHaveValue('0.5');
    await expect(dialog.locator('input[name="cache"]')).toBeChecked();
    await dialog.locator('input[name="n"]').fill('four');
    await expect(dialog.locator('[data-param="n"] .jp-KubeflowRunForm-error')).toHaveText(
      'n must be an integer, not "four"'
    );
    await dialog.locator('input[name="n"]').fill('4');
    await dialog.locator('input[name="scale"]').fill('0.25');
    // Run every step for real (an earlier test run may have cached these very steps).
    await dialog.locator('input[name="cache"]').uncheck();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);

    // Both pages watch every node turn succeeded.
    await expectAllSucceeded(page);
    await expectAllSucceeded(pageB);
    await expect(page.locator(`${RUNS} .jp-KubeflowRuns-progress`)).toHaveText(/^3\/3 done · \d+:\d\d$/);
    await expect(page.locator('.jp-Notification-Toast-success')).toContainText('succeeded');

    // The runs list: parameters and metrics, on both pages.
    for (const p of [page, pageB]) {
      const row = p.locator(`${RUNS} tr[data-run]`);
      await expect(row).toHaveCount(1);
      await expect(row).toHaveAttribute('data-state', 'succeeded');
      await expect(row.locator('.jp-KubeflowRuns-params')).toHaveText('n=4, scale=0.25');
      await expect(row.locator('.jp-KubeflowRuns-metrics')).toHaveText('total=1.5');
    }

    // A node opens its task: the log has what the step printed.
    await page.locator(`${PIPELINE} [data-step="load"]`).click();
    const view = page.locator('.jp-KubeflowTask-body[data-task="load"]');
    await expect(view).toHaveAttribute('data-state', 'succeeded');
    await expect(view.locator('.jp-KubeflowTask-log')).toContainText('loaded 4 rows');
    await expect(view).toContainText('image is ignored locally');
    await expect(view.locator('[data-section="inputs"]')).toContainText('n');
    await expect(view.locator('[data-section="outputs"]')).toContainText('data');

    // History comes from the bridge: a page loaded after the run lists it too.
    const pageC = await other.newPage();
    await pageC.goto(`${baseURL}/lab/tree/${path}`);
    await pageC.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await openKubeflowPanel(pageC);
    const row = pageC.locator(`${RUNS} tr[data-run]`);
    await expect(row).toHaveCount(1);
    await expect(row.locator('.jp-KubeflowRuns-metrics')).toHaveText('total=1.5');
  } finally {
    await other.close();
  }
});
