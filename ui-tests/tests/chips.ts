/** Helpers for the cell chip tests: find a cell's chip, annotate by clicking. */
import { expect } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

/** The notebook cells of the current notebook panel. */
export function cell(page: Page, index: number): Locator {
  return page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook > .jp-WindowedPanel-outer .jp-Cell').nth(index);
}

export function chip(page: Page, index: number): Locator {
  return cell(page, index).getByTestId('kubeflow-chip');
}

export function flow(page: Page, index: number): Locator {
  return cell(page, index).getByTestId('kubeflow-flow');
}

/** Click the notebook toolbar's "Pipeline mode" button. */
export async function turnOnPipelineMode(page: Page): Promise<void> {
  const item = page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar')
    .locator('[data-jp-item-name="kubeflow-pipeline-mode"]');
  await expect(item).toContainText('Pipeline mode');
  const button = item.getByRole('button', { name: 'Pipeline mode' });
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
}

/** Click a cell's chip and choose a menu item by its label. */
export async function chooseFromChip(page: Page, index: number, label: string): Promise<void> {
  await chip(page, index).click();
  const menu = page.locator('.lm-Menu.jp-KubeflowChip-menu');
  await expect(menu).toBeVisible();
  await menu.locator('.lm-Menu-item', { hasText: label }).click();
  await expect(menu).toHaveCount(0);
}

/** Click a cell's chip, "Start a Step Here…", type the name, confirm. */
export async function startStep(page: Page, index: number, name: string): Promise<void> {
  await chooseFromChip(page, index, 'Start a Step Here…');
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByTestId('kubeflow-step-name').fill(name);
  await expect(dialog.getByTestId('kubeflow-step-name-error')).toHaveText('');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
}
