/**
 * Without Kubeflow configured (the test server's identity mode is none):
 * the status header says "local only" with the bridge's reason, the run
 * target selector (Pipeline section and Run dialog) offers Kubeflow
 * disabled with that reason, and local runs still work, with the local
 * engine's badge in the runs list.
 */
import { expect, test } from '@jupyterlab/galata';
import { annotatedNotebook, AnnotatedCell, openKubeflowPanel } from './notebooks';
import type { Page } from '@playwright/test';

test.use({ mockState: false, mockUser: false });

const PIPELINE = '#jp-kubeflow-pipeline';
const RUNS = '#jp-kubeflow-runs';
const REASON = /Kubeflow is not configured for this Jupyter server/;



const CELLS: AnnotatedCell[] = [
  ['n = 2', { role: 'parameters' }],
  ['data = list(range(n))', { step: 'load' }],
  ['total = sum(data)', { step: 'total' }]
];

test('without Kubeflow: local only with the reason, Kubeflow disabled in both selectors, local runs work', async ({
  page,
  tmpPath
}) => {
  const name = `target-${Date.now()}.ipynb`;
  const path = `${tmpPath}/${name}`;
  await page.contents.uploadContent(annotatedNotebook(CELLS), 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.activate(name);
  await openKubeflowPanel(page);

  // The status header: local only, and why.
  const identity = page.getByTestId('kubeflow-identity');
  await expect(identity).toHaveAttribute('data-identity', 'none');
  await expect(identity).toContainText('local only');
  await expect(page.getByTestId('kubeflow-identity-reason')).toHaveText(REASON);
  await expect(page.getByTestId('kubeflow-kfp-endpoint')).toHaveCount(0);

  // The Pipeline section's selector: this machine, Kubeflow disabled with the reason.
  const select = page.locator(`${PIPELINE} select[data-target-select]`);
  await expect(select).toHaveValue('local');
  await expect(select).toHaveAttribute('title', REASON);
  const kubeflow = select.locator('option[value="kubeflow"]');
  await expect(kubeflow).toBeDisabled();
  await expect(kubeflow).toHaveAttribute('title', REASON);

  // The Run dialog: the same, and the local run goes through.
  await page.locator(`${PIPELINE} [data-action="run"]`).click();
  const dialog = page.locator('.jp-Dialog');
  const dialogSelect = dialog.locator('select[data-target-select]');
  await expect(dialogSelect).toHaveValue('local');
  await expect(dialogSelect.locator('option[value="kubeflow"]')).toBeDisabled();
  await expect(dialog.getByTestId('kubeflow-unavailable')).toHaveText(REASON);
  await expect(dialog.locator('[data-target-hint="local"]')).toContainText('Runs on this machine');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  for (const step of ['load', 'total']) {
    await expect(page.locator(`${PIPELINE} [data-step="${step}"]`)).toHaveAttribute('data-state', 'succeeded', {
      timeout: 60000
    });
  }
  const row = page.locator(`${RUNS} tr[data-run]`);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'succeeded');
  await expect(row.locator('[data-engine]')).toHaveAttribute('data-engine', 'local');
  await expect(row.locator('[data-kfp-run]')).toHaveCount(0);

  // Nothing was written: the target is stored only when the user picks one.
  const stored = await page.evaluate(
    p => (window as any).jupyterapp.serviceManager.contents.get(p).then((m: any) => m.content.metadata.kubeflow ?? null),
    path
  );
  expect(stored?.target).toBeUndefined();
});
