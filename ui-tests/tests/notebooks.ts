/** Shared by the UI specs: annotated notebooks as JSON, and opening the panel. */
import type { Page } from '@playwright/test';

/** A code cell: its source and its `kubeflow` annotation (or none). */
export type AnnotatedCell = [source: string, kubeflow?: object];

/** An nbformat 4 notebook of annotated code cells, as the contents API takes it. */
export function annotatedNotebook(cells: AnnotatedCell[], metadata: object = {}): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      ...metadata
    },
    cells: cells.map(([source, kubeflow], i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      source,
      metadata: kubeflow ? { kubeflow } : {},
      outputs: [],
      execution_count: null
    }))
  });
}

/**
 * Open the Kubeflow panel once `readyCommand` exists: the splash can go
 * before the plugin that a spec needs has activated.
 */
export async function openKubeflowPanel(page: Page, readyCommand = 'kubeflow:open-panel'): Promise<void> {
  await page.waitForFunction(cmd => (window as any).jupyterapp?.commands.hasCommand(cmd), readyCommand);
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('kubeflow:open-panel'));
}
