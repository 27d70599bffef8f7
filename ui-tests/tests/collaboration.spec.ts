/**
 * Two users on one notebook with jupyter-collaboration: a chip annotation
 * made by clicking on one page shows on the other, both ways. (Without
 * real-time collaboration the second page would not see the change.)
 */
import { expect, test } from '@jupyterlab/galata';
import { chip, flow, startStep, turnOnPipelineMode, chooseFromChip } from './chips';

test.use({ mockState: false, mockUser: false });

test('two pages on one notebook see each other’s chips', async ({ page, browser, baseURL, tmpPath }) => {
  const name = 'collab.ipynb';
  await page.notebook.createNew(name);
  await page.notebook.setCell(0, 'code', 'import math');
  await page.notebook.addCell('code', 'x = math.pi');
  await page.notebook.addCell('code', 'y = x * 2');
  await page.notebook.addCell('code', 'print(y)');
  await page.notebook.save();

  const other = await browser.newContext();
  const pageB = await other.newPage();
  try {
    await pageB.goto(`${baseURL}/lab/tree/${tmpPath}/${name}`);
    await pageB.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    await expect(pageB.locator('.jp-NotebookPanel .jp-Cell')).toHaveCount(4);

    // Pipeline mode (notebook metadata) reaches the other page.
    await turnOnPipelineMode(page);
    await expect.poll(() => chip(pageB, 0).count(), { timeout: 20000 }).toBe(1);

    await startStep(page, 1, 'load');
    await expect.poll(() => chip(pageB, 1).textContent(), { timeout: 20000 }).toBe('step: load');
    await expect.poll(() => chip(pageB, 2).textContent()).toBe('↳ load');

    await chooseFromChip(pageB, 0, 'Role: imports');
    await startStep(pageB, 3, 'report');
    await expect.poll(() => chip(page, 0).textContent(), { timeout: 20000 }).toBe('imports');
    await expect.poll(() => chip(page, 3).textContent(), { timeout: 20000 }).toBe('step: report');
    await expect(flow(page, 3)).toHaveText('needs y · gives nothing');
    await expect(flow(pageB, 1)).toHaveText('needs nothing · gives y');
  } finally {
    await other.close();
  }
});
