import { expect, test } from '@jupyterlab/galata';
import { bridgePid, tryBridgePid } from './bridge';

// The real user and the real workspace, not Galata's in-browser mocks: the
// panel must show the user Jupyter authenticated, and the layout restorer
// must really persist the open panel.
test.use({ mockUser: false, mockState: false });

const PANEL = '#jp-kubeflow-sidebar';

async function openPanel(page: import('@playwright/test').Page) {
  await page.evaluate(() => window.jupyterapp.commands.execute('kubeflow:open-panel'));
  await expect(page.locator(PANEL)).toBeVisible();
}

test('the Kubeflow sidebar tab has the icon and caption', async ({ page }) => {
  const tab = page.locator(`.jp-SideBar.jp-mod-right li[data-id="jp-kubeflow-sidebar"]`);
  await expect(tab).toHaveAttribute('title', 'Kubeflow');
  await expect(tab.locator('svg')).toHaveCount(1);
});

test('the palette command opens the panel, which shows the bridge connected', async ({ page }) => {
  await page.keyboard.press('Control+Shift+c');
  await page.locator('#modal-command-palette input').fill('Open the Kubeflow Panel');
  await page.keyboard.press('Enter');
  const panel = page.locator(PANEL);
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('kubeflow-status')).toHaveText('Connected');
  const me = await page.evaluate(async () => {
    const user = window.jupyterapp.serviceManager.user;
    await user.ready;
    return user.identity!.username;
  });
  await expect(panel.getByTestId('kubeflow-user')).toHaveText(me);
  await expect(panel.getByTestId('kubeflow-engines')).toHaveText('local');
  await expect(panel.getByTestId('kubeflow-version')).toHaveText(/^\d+\.\d+\.\d+/);
});

test('the panel stays open across a reload', async ({ page }) => {
  // The layout restorer saves the workspace shortly after the layout changes.
  const saved = page.waitForResponse(
    r => r.url().includes('/lab/api/workspaces') && r.request().method() === 'PUT'
  );
  await openPanel(page);
  await saved;
  await page.reload({ waitUntil: 'networkidle' });
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await expect(page.locator(PANEL)).toBeVisible();
  await expect(page.locator(PANEL).getByTestId('kubeflow-status')).toHaveText('Connected');
});

test('after the bridge is killed the panel says reconnecting, then connected', async ({ page }) => {
  await openPanel(page);
  const status = page.locator(PANEL).getByTestId('kubeflow-status');
  await expect(status).toHaveText('Connected');
  const pid = bridgePid();
  process.kill(pid, 'SIGKILL');
  await expect(status).toHaveText('Bridge unavailable, reconnecting…');
  await expect(page.locator(PANEL).locator('.jp-KubeflowStatus-retry')).toBeVisible();
  await expect(status).toHaveText('Connected', { timeout: 30000 });
  const next = tryBridgePid();
  expect(next).not.toBeNull();
  expect(next).not.toBe(pid);
});
