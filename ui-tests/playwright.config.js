/**
 * Galata in Debian's Chromium (browsers cannot be downloaded here), against
 * a real JupyterLab started from the project's venv.
 */
const path = require('path');
const base = require('@jupyterlab/galata/lib/playwright-config');

const venv = process.env.KUBEFLOW_VENV || path.resolve(__dirname, '..', '.venv');

module.exports = {
  ...base,
  testDir: './tests',
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 90000,
  expect: { timeout: 15000 },
  use: {
    ...base.use,
    // Galata records video by default, which needs a downloaded ffmpeg.
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: `${venv}/bin/jupyter lab --config ${path.join(__dirname, 'jupyter_server_test_config.py')}`,
    url: 'http://localhost:8888/lab',
    timeout: 120000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe'
  }
};
