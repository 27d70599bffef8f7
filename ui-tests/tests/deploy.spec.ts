/**
 * Deploy from the run view, for real: a decision tree notebook runs twice
 * on the local engine (a good depth, then a bad one); the first run's model
 * is deployed from its train task's outputs (a real KServe model server on
 * loopback), answers a prediction through the Deploy view, the second run's
 * model joins as a challenger, and its promotion is refused by the gate with
 * both accuracies shown. The deployment is deleted from the view at the end.
 */
import { expect, test } from '@jupyterlab/galata';
import { annotatedNotebook, AnnotatedCell, openKubeflowPanel } from './notebooks';
import type { Locator, Page } from '@playwright/test';

test.use({ mockState: false, mockUser: false });
test.setTimeout(240000);

const PIPELINE = '#jp-kubeflow-pipeline';
const RUNS = '#jp-kubeflow-runs';
const DEPLOYMENTS = '#jp-kubeflow-deployments';

const CELLS: AnnotatedCell[] = [
  ['from sklearn.datasets import load_iris\nfrom sklearn.model_selection import train_test_split\nfrom sklearn.tree import DecisionTreeClassifier', { role: 'imports' }],
  ['depth = 3', { role: 'parameters' }],
  [
    'X, y = load_iris(return_X_y=True)\nXtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.5, random_state=0)\nmodel = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(Xtr, ytr)',
    { step: 'train' }
  ],
  ['accuracy = float(model.score(Xte, yte))', { step: 'evaluate' }],
  ['accuracy', { role: 'metrics' }]
];



async function runWithDepth(page: Page, depth: string, count: number) {
  await page.locator(`${PIPELINE} [data-action="run"]`).click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.locator('input[name="depth"]').fill(depth);
  await dialog.locator('input[name="cache"]').uncheck();
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  const rows = page.locator(`${RUNS} tr[data-run]`);
  await expect(rows).toHaveCount(count);
  await expect(rows.first()).toHaveAttribute('data-state', 'succeeded', { timeout: 90000 });
}

/** Select a run in the list, open its train task and click Deploy on its model output. */
async function deployFromTaskView(page: Page, row: Locator): Promise<Locator> {
  const runId = (await row.getAttribute('data-run'))!;
  await row.click();
  await expect(row).toHaveClass(/jp-mod-selected/);
  await page.locator(`${PIPELINE} [data-step="train"]`).click();
  const task = page.locator(`#jp-kubeflow-task-${runId}-train .jp-KubeflowTask-body`);
  await expect(task).toHaveAttribute('data-state', 'succeeded');
  // Only the model is offered: Xte and yte are arrays, not models.
  await expect(task.locator('[data-section="outputs"] [data-action="deploy"]')).toHaveCount(1);
  await task.locator('[data-artifact="model"] [data-action="deploy"]').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(`Output model of run ${runId}`);
  return dialog;
}

test('deploy a run model, try it, add a worse challenger, see the gate refuse it', async ({ page, tmpPath }) => {
  const stamp = Date.now();
  const nbName = `iris-${stamp}.ipynb`;
  const name = `iris-${stamp}`;
  await page.contents.uploadContent(annotatedNotebook(CELLS), 'text', `${tmpPath}/${nbName}`);
  await page.notebook.openByPath(`${tmpPath}/${nbName}`);
  await page.notebook.activate(nbName);
  await openKubeflowPanel(page, 'kubeflow:deploy-output');
  await expect(page.locator(`${PIPELINE} [data-step="train"]`)).toHaveCount(1);

  try {
    await runWithDepth(page, '3', 1);
    await runWithDepth(page, '1', 2);
    const rows = page.locator(`${RUNS} tr[data-run]`);
    const [worse, better] = [rows.nth(0), rows.nth(1)];
    await expect(better.locator('.jp-KubeflowRuns-params')).toHaveText('depth=3');
    await expect(worse.locator('.jp-KubeflowRuns-params')).toHaveText('depth=1');

    // The first (better) run's model: a new deployment, gated on accuracy.
    let dialog = await deployFromTaskView(page, better);
    await dialog.locator('input[name="name"]').fill(name);
    await expect(dialog.locator('select[name="metric"]')).toHaveValue('accuracy');
    await expect(dialog.locator('select[name="direction"]')).toHaveValue('maximize');
    await expect(dialog.locator('select[name="target"] option[value="kubeflow"]')).toBeDisabled();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);

    const view = page.locator(`.jp-KubeflowDeploy-body[data-deployment="${name}"]`);
    await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90000 });
    await expect(view.locator('[data-testid="predict-url"]')).toHaveText(`http://localhost:8888/kubeflow/api/deployments/${name}/predict`);
    await expect(view.locator('[data-testid="traffic"]')).toHaveText('Traffic: champion v1 100%');
    await expect(view.locator('[data-testid="gate"]')).toHaveText("Promotion needs the challenger's accuracy higher than the champion's.");
    await expect(view.locator('tr[data-version="v1"]')).toHaveAttribute('data-role', 'champion');
    await expect(view.locator('[data-metrics="v1"]')).toHaveText(/^accuracy=0\.\d+$/);
    await expect(page.locator(`${DEPLOYMENTS} li[data-deployment="${name}"]`)).toHaveAttribute('data-state', 'ready');

    // Try it: a setosa and a virginica.
    await view.locator('textarea[name="instances"]').fill('[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]');
    await view.locator('[data-action="predict"]').click();
    await expect(view.locator('[data-testid="predictions"]')).toHaveText('[0,2]');
    await expect(view.locator('[data-testid="answered-by"]')).toHaveText('v1 (champion)');
    await expect(view.locator('[data-testid="latency"]')).toHaveText(/^\d+(\.\d)? ms$/);

    // The second (worse) run's model joins as a challenger with 10 % of the traffic.
    dialog = await deployFromTaskView(page, worse);
    await dialog.locator('input[name="role"][value="challenger"]').check();
    await dialog.locator('select[name="existing"]').selectOption(name);
    await dialog.locator('input[name="share"]').fill('10');
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
    await expect(view.locator('tr[data-version="v2"]')).toHaveAttribute('data-role', 'challenger');
    await expect(view.locator('[data-testid="traffic"]')).toHaveText('Traffic: champion v1 90% · challenger v2 10%');
    await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90000 });

    // Promotion is refused by the gate, with both accuracies.
    const champion = (await view.locator('[data-metrics="v1"]').textContent())!.replace('accuracy=', '');
    const challenger = (await view.locator('[data-metrics="v2"]').textContent())!.replace('accuracy=', '');
    expect(Number(challenger)).toBeLessThan(Number(champion));
    await view.locator('[data-action="promote"]').click();
    await expect(view.locator('[data-message="refused"]')).toHaveText(
      `Promotion refused: the challenger's accuracy is ${challenger}, the champion's is ${champion} (higher is better, margin 0).`
    );
    await expect(view.locator('tr[data-version="v1"]')).toHaveAttribute('data-role', 'champion');

    // Shift the share with the slider, switch to a bandit, roll the challenger back.
    await view.locator('input[name="share"]').fill('30');
    await expect(view.locator('[data-testid="traffic"]')).toHaveText('Traffic: champion v1 70% · challenger v2 30%');
    await view.locator('select[name="routing"]').selectOption('epsilon-greedy');
    await view.locator('input[name="epsilon"]').fill('0.2');
    await view.locator('[data-action="apply-routing"]').click();
    // (The request count is the router's: the one prediction above, once its stats are flushed.)
    await expect(view.locator('[data-testid="traffic"]')).toHaveText(
      /^Traffic: epsilon-greedy \(ε = 0\.2\) · champion v1: \d+ requests?, 0 rewards · challenger v2: 0 requests, 0 rewards$/
    );
    await view.locator('[data-action="rollback"]').click();
    await expect(view.locator('tr[data-version="v2"]')).toHaveAttribute('data-role', 'retired');
    await expect(view.locator('[data-message="info"]')).toHaveText('Rolled back.');

    // Delete it from the view: the servers stop, the section forgets it.
    await view.locator('[data-action="delete"]').click();
    await page.locator('.jp-Dialog .jp-Dialog-button.jp-mod-warn').click();
    await expect(view).toHaveAttribute('data-state', 'deleted');
    await expect(page.locator(`${DEPLOYMENTS} li[data-deployment="${name}"]`)).toHaveCount(0);
  } finally {
    // Never leave model servers behind, even when a step above failed.
    await page.evaluate(async n => {
      const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
      await fetch(`/kubeflow/api/deployments/${n}`, { method: 'DELETE', headers: { 'X-XSRFToken': xsrf } });
    }, name);
  }
});
