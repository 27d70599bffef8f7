import { expect, test } from '@jupyterlab/galata';
import { cell, chip, chooseFromChip, flow, startStep, turnOnPipelineMode } from './chips';

const SOURCES = ['import math', 'x = math.pi', 'y = x * 2', 'z = y + 1', 'print(z)'];

async function notebookWithCells(page: import('@playwright/test').Page, name: string) {
  await page.notebook.createNew(name);
  await page.notebook.setCell(0, 'code', SOURCES[0]);
  for (const source of SOURCES.slice(1)) {
    await page.notebook.addCell('code', source);
  }
}

test('annotate cells by clicking their chips; see the chips and what each step needs and gives', async ({
  page
}) => {
  await notebookWithCells(page, 'chips.ipynb');
  await expect(chip(page, 0)).toHaveCount(0);
  await turnOnPipelineMode(page);
  await expect(chip(page, 0)).toHaveText('not in the pipeline');

  await chooseFromChip(page, 0, 'Role: imports');
  await expect(chip(page, 0)).toHaveText('imports');
  await expect(chip(page, 1)).toHaveText('↳ imports');

  await startStep(page, 1, 'load_data');
  await startStep(page, 3, 'train');
  await startStep(page, 4, 'report');
  await expect(chip(page, 1)).toHaveText('step: load_data');
  await expect(chip(page, 2)).toHaveText('↳ load_data');
  await expect(chip(page, 3)).toHaveText('step: train');
  await expect(chip(page, 4)).toHaveText('step: report');
  await expect(flow(page, 1)).toHaveText('needs nothing · gives y');
  await expect(flow(page, 3)).toHaveText('needs y · gives z');
  await expect(flow(page, 4)).toHaveText('needs z · gives nothing');
  await expect(flow(page, 2)).toHaveCount(0);

  // The graph follows typing (debounced): train now also needs x.
  await page.notebook.setCell(3, 'code', 'z = y + x');
  await expect(flow(page, 3)).toHaveText('needs x, y · gives z');
  await expect(flow(page, 1)).toHaveText('needs nothing · gives x, y');

  // A step name is checked as it is typed.
  await chooseFromChip(page, 2, 'Start a Step Here…');
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByTestId('kubeflow-step-name').fill('bad name');
  await expect(dialog.getByTestId('kubeflow-step-name-error')).toHaveText(
    'Use letters, digits, "-" and "_", starting with a letter.'
  );
  await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
  await expect(chip(page, 2)).toHaveText('↳ load_data');

  const stored = await page.evaluate(() =>
    (window.jupyterapp.shell.currentWidget as any).model.cells.get(3).getMetadata('kubeflow')
  );
  expect(stored).toEqual({ step: 'train' });

  // A cell added later gets a chip too.
  await page.notebook.addCell('code', 'w = z');
  await expect(chip(page, 5)).toHaveText('↳ report');

  // Chips follow a moved cell: `y = x * 2` now continues the imports cell.
  await page.evaluate(async () => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    panel.content.activeCellIndex = 1;
    await window.jupyterapp.commands.execute('notebook:move-cell-down');
  });
  await expect(chip(page, 1)).toHaveText('↳ imports');
  await expect(chip(page, 2)).toHaveText('step: load_data');
  await expect(flow(page, 2)).toHaveText('needs nothing · gives x');
  await expect(flow(page, 3)).toHaveText('needs x · gives z');

  // The toolbar button hides the chips, and shows them again.
  const toggle = page.locator('[data-jp-item-name="kubeflow-pipeline-mode"]').getByRole('button');
  await toggle.click();
  await expect(chip(page, 2)).toBeHidden();
  await toggle.click();
  await expect(chip(page, 2)).toBeVisible();
});

test('step settings are edited in a dialog and saved to the cell', async ({ page }) => {
  await notebookWithCells(page, 'settings.ipynb');
  await turnOnPipelineMode(page);
  await startStep(page, 1, 'load');
  await startStep(page, 3, 'train');
  await chooseFromChip(page, 3, 'Step Settings…');
  const dialog = page.locator('.jp-Dialog');
  // The dialog focuses its first field once shown; type only after that.
  await expect(dialog.locator('input[name="name"]')).toBeFocused();
  await dialog.locator('input[name="cpuLimit"]').fill('2');
  await dialog.locator('input[name="memoryRequest"]').fill('lots');
  await expect(dialog.locator('.jp-KubeflowForm-error', { hasText: 'not a Kubernetes quantity' })).toBeVisible();
  await dialog.locator('input[name="memoryRequest"]').fill('1Gi');
  await dialog.locator('input[name="retries"]').fill('2');
  await dialog.locator('input[name="cache"]').uncheck();
  await dialog.getByRole('button', { name: 'Add secret' }).click();
  await dialog.locator('input[name="secrets.0.env"]').fill('TOKEN');
  await dialog.locator('input[name="secrets.0.secret"]').fill('api');
  await dialog.locator('input[name="secrets.0.key"]').fill('token');
  await dialog.locator('input[name="after.load"]').check();
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  const stored = await page.evaluate(() =>
    (window.jupyterapp.shell.currentWidget as any).model.cells.get(3).getMetadata('kubeflow')
  );
  expect(stored).toEqual({
    step: 'train',
    after: ['load'],
    resources: { cpuLimit: '2', memoryRequest: '1Gi' },
    cache: false,
    retries: 2,
    secrets: [{ env: 'TOKEN', secret: 'api', key: 'token' }]
  });

  // The palette commands act on the active cell (the one whose chip was clicked).
  await page.keyboard.press('Control+Shift+c');
  await page.locator('#modal-command-palette input').fill('Continue the Step Above');
  await page.keyboard.press('Enter');
  await expect(chip(page, 3)).toHaveText('↳ load');
  expect(
    await page.evaluate(() =>
      (window.jupyterapp.shell.currentWidget as any).model.cells.get(3).getMetadata('kubeflow')
    )
  ).toBeUndefined();
});

test('a hand-corrupted annotation shows a problem on its chip and is never rewritten', async ({ page }) => {
  await notebookWithCells(page, 'garbage.ipynb');
  await turnOnPipelineMode(page);
  await startStep(page, 1, 'load_data');
  const garbage = { step: 42, after: 'nope', extra: [1, { a: null }] };
  await page.evaluate(value => {
    (window.jupyterapp.shell.currentWidget as any).model.cells.get(3).setMetadata('kubeflow', value);
  }, garbage);
  await expect(chip(page, 3)).toHaveAttribute('data-severity', 'error');
  await expect(chip(page, 3)).toHaveText('↳ load_data');
  await expect(chip(page, 3)).toHaveAttribute('title', /step name must be a string, got 42/);
  await expect(cell(page, 3).getByTestId('kubeflow-problems')).toContainText(
    'cell 3: step name must be a string, got 42; the cell is treated as untagged'
  );
  // The rest of the notebook still works: the other chips, and further edits.
  await expect(chip(page, 1)).toHaveText('step: load_data');
  await startStep(page, 4, 'report');
  await expect(flow(page, 4)).toHaveText('needs z · gives nothing');
  // Step settings are not offered for an annotation that cannot be read.
  await chip(page, 3).click();
  await expect(page.locator('.lm-Menu-item', { hasText: 'Step Settings…' })).toHaveClass(/lm-mod-disabled/);
  await page.keyboard.press('Escape');
  const stored = await page.evaluate(() =>
    (window.jupyterapp.shell.currentWidget as any).model.cells.get(3).getMetadata('kubeflow')
  );
  expect(stored).toEqual(garbage);
});
