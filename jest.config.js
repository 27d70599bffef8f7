/**
 * One jest run, three projects: `core/` (pure, node env), `server-bridge/`
 * (node env; the test command runs jest on the bridge's own Node 24) and
 * `src/` (the extension, jsdom env with JupyterLab's test utilities).
 */
const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const tsJest = tsconfig => ['ts-jest', { tsconfig, isolatedModules: true }];

const frontend = jestJupyterLab(__dirname);

module.exports = {
  projects: [
    {
      displayName: 'core',
      testEnvironment: 'node',
      roots: ['<rootDir>/core'],
      testMatch: ['**/test/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest('<rootDir>/core/tsconfig.test.json') }
    },
    {
      displayName: 'bridge',
      testEnvironment: 'node',
      roots: ['<rootDir>/server-bridge'],
      testMatch: ['**/test/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest('<rootDir>/server-bridge/tsconfig.json') }
    },
    {
      ...frontend,
      displayName: 'frontend',
      roots: ['<rootDir>/src'],
      testMatch: ['**/__tests__/**/*.spec.ts?(x)'],
      automock: false,
      collectCoverageFrom: ['src/**/*.{ts,tsx}'],
      transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
    }
  ]
};
