import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

const SECTION = '#jp-kubeflow-pipeline';

type CellSpec = [source: string, metadata?: object];

function notebookJson(cells: CellSpec[], metadata: object = {}): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      ...metadata
    },
    cells: cells.map(([source, meta], i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      source,
      metadata: meta ?? {},
      outputs: [],
      execution_count: null
    }))
  });
}

const step = (name: string) => ({ kubeflow: { step: name } });

const DIAMOND: CellSpec[] = [
  ['import math', { kubeflow: { role: 'imports' } }],
  ['x = 1', step('load')],
  ['y = x + 1', step('left')],
  ['z = x * 2', step('right')],
  ['w = math.sqrt(y + z)', step('join')]
];

async function openNotebook(page: Page, path: string, content: string) {
  await page.contents.uploadContent(content, 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.activate(path.split('/').pop()!);
  await page.evaluate(() => window.jupyterapp.commands.execute('kubeflow:open-panel'));
  await expect(page.locator(SECTION)).toBeVisible();
}

const activeCellIndex = (page: Page) =>
  page.evaluate(() => (window.jupyterapp.shell.currentWidget as any).content.activeCellIndex as number);

const edges = (page: Page) =>
  page
    .locator(`${SECTION} [data-edge]`)
    .evaluateAll(paths => paths.map(p => p.getAttribute('data-edge')).sort());

test('the DAG shows the steps and edges, follows edits, and jumps to a step', async ({ page, tmpPath }) => {
  await openNotebook(page, `${tmpPath}/diamond.ipynb`, notebookJson(DIAMOND));
  const section = page.locator(SECTION);
  for (const name of ['load', 'left', 'right', 'join']) {
    await expect(section.locator(`[data-step="${name}"]`)).toHaveCount(1);
  }
  await expect.poll(() => edges(page)).toEqual(['left->join', 'load->left', 'load->right', 'right->join']);
  await expect(section.locator('[data-step="join"]')).toContainText('needs 2 · gives 0');

  // Type in the cell: `join` no longer uses z, so the edge from `right` goes.
  await page.notebook.setCell(4, 'code', 'w = math.sqrt(y)');
  await expect.poll(() => edges(page)).toEqual(['left->join', 'load->left', 'load->right']);
  await expect(section.locator('[data-step="join"]')).toContainText('needs 1 · gives 0');

  await section.locator('[data-step="right"]').click();
  await expect.poll(() => activeCellIndex(page)).toBe(3);
  await section.locator('[data-step="load"]').click();
  await expect.poll(() => activeCellIndex(page)).toBe(1);
});

test('export writes the YAML next to the notebook', async ({ page, tmpPath }) => {
  await openNotebook(page, `${tmpPath}/diamond.ipynb`, notebookJson(DIAMOND, { kubeflow: { name: 'my-diamond' } }));
  const yamlPath = `${tmpPath}/diamond.pipeline.yaml`;
  expect(await page.contents.fileExists(yamlPath)).toBe(false);
  await page.locator(`${SECTION} [data-action="export"]`).click();
  await expect(page.locator('.jp-Notification-Toast-success')).toContainText(
    `Pipeline exported to ${yamlPath}`
  );
  await expect.poll(() => page.contents.fileExists(yamlPath)).toBe(true);
  const content = await page.evaluate(
    async path => (await window.jupyterapp.serviceManager.contents.get(path, { content: true })).content as string,
    yamlPath
  );
  expect(content).toContain('name: my-diamond');
  for (const task of ['load', 'left', 'right', 'join']) {
    expect(content).toContain(`comp-${task}:`);
  }
});

test('an undefined name is a problem, marks its step, and export refuses', async ({ page, tmpPath }) => {
  await openNotebook(
    page,
    `${tmpPath}/broken.ipynb`,
    notebookJson([
      ['x = 1', step('a')],
      ['y = x + missing', step('b')]
    ])
  );
  const section = page.locator(SECTION);
  const problem = section.locator('.jp-KubeflowProblems-item[data-severity="error"]');
  await expect(problem).toHaveCount(1);
  await expect(problem).toHaveAttribute('data-cell', '1');
  await expect(problem.locator('.jp-KubeflowProblems-place')).toHaveText('cell 1, line 1');
  await expect(problem).toContainText('"missing"');
  await expect(section.locator('[data-step="b"]')).toHaveAttribute('data-error', 'true');
  await expect(section.locator('[data-step="a"]')).not.toHaveAttribute('data-error', 'true');

  await problem.click();
  await expect.poll(() => activeCellIndex(page)).toBe(1);

  await section.locator('[data-action="export"]').click();
  const toast = page.locator('.jp-Notification-Toast-error');
  await expect(toast).toContainText('Pipeline not exported: cell 1, line 1');
  await expect(toast).toContainText('"missing"');
  expect(await page.contents.fileExists(`${tmpPath}/broken.pipeline.yaml`)).toBe(false);
});

test('a Kale notebook offers conversion, which writes our annotations', async ({ page, tmpPath }) => {
  await openNotebook(
    page,
    `${tmpPath}/kale.ipynb`,
    notebookJson([
      ['import math', { tags: ['imports'] }],
      ['x = math.pi', { tags: ['step:load_data'] }],
      ['y = x * 2', { tags: ['step:double', 'prev:load_data'] }]
    ])
  );
  const section = page.locator(SECTION);
  await expect(section).toContainText('Kale annotations found');
  await expect(section.locator('[data-step="load_data"]')).toHaveCount(1);
  await expect.poll(() => edges(page)).toEqual(['load_data->double']);
  await section.getByRole('button', { name: 'Convert to jupyterlab-kubeflow annotations' }).click();
  await expect(section).not.toContainText('Kale annotations found');
  const metadata = await page.evaluate(() => {
    const model = (window.jupyterapp.shell.currentWidget as any).content.model;
    return [0, 1, 2].map(i => model.cells.get(i).getMetadata('kubeflow'));
  });
  expect(metadata).toEqual([
    { role: 'imports' },
    { step: 'load_data' },
    { step: 'double', after: ['load_data'] }
  ]);
  await expect.poll(() => edges(page)).toEqual(['load_data->double']);
});

test('pipeline mode and the settings form write only valid settings', async ({ page, tmpPath }) => {
  await openNotebook(page, `${tmpPath}/plain.ipynb`, notebookJson([['x = 1'], ['print(x)']]));
  const section = page.locator(SECTION);
  const settings = () =>
    page.evaluate(() => (window.jupyterapp.shell.currentWidget as any).content.model.getMetadata('kubeflow'));
  await expect(section.locator('[data-action="enable"]')).toHaveText('Use this notebook as a pipeline');
  expect(await settings()).toBeUndefined();
  await section.locator('[data-action="enable"]').click();
  await expect.poll(settings).toEqual({});

  const name = section.locator('[data-setting="name"]');
  await expect(name).toHaveAttribute('placeholder', 'plain');
  await name.fill('Nightly training');
  await name.press('Enter');
  await expect.poll(settings).toEqual({ name: 'Nightly training' });

  const image = section.locator('[data-setting="image"]');
  await image.fill('python 3.11');
  await image.press('Enter');
  await expect(section.locator('[data-setting-error="image"]')).toHaveText(
    'image "python 3.11" must not contain spaces'
  );
  expect(await settings()).toEqual({ name: 'Nightly training' });
  await image.fill('python:3.12-slim');
  await image.blur();
  await expect.poll(settings).toEqual({ name: 'Nightly training', image: 'python:3.12-slim' });
  await expect(section.locator('[data-setting-error="image"]')).toHaveCount(0);
});

test('export and copy are in the command palette', async ({ page }) => {
  const labels = await page.evaluate(() =>
    ['kubeflow:export-pipeline', 'kubeflow:copy-pipeline'].map(id => window.jupyterapp.commands.label(id))
  );
  expect(labels).toEqual(['Export the Pipeline as KFP YAML', 'Copy the Pipeline as KFP YAML']);
  await page.keyboard.press('Control+Shift+c');
  await page.locator('#modal-command-palette input').fill('Pipeline as KFP YAML');
  await expect(page.locator('#modal-command-palette .lm-CommandPalette-item')).toHaveCount(2);
});
