/**
 * One jest run, three projects: `core/` (pure, node env), `server-bridge/`
 * (node env) and `src/` (the extension, JupyterLab's jsdom env). The test
 * command runs jest on the bridge's own Node 24, the one users get.
 */
const jupyterlab = require('@jupyterlab/testutils/lib/jest-config')(__dirname);

const tsJest = tsconfig => ['ts-jest', { tsconfig }];

// JupyterLab and its dependencies ship ES modules; babel-jest turns them
// into CommonJS for jest 29. (`yaml` too: in jsdom it resolves to its ES
// module browser build, which the compiler pulls in.)
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyterlab/',
  '@lezer',
  '@marijn',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yaml',
  'yjs'
].join('|');

// Options that only the top level may carry.
const { coverageReporters, coverageDirectory, reporters, testTimeout, testRegex, ...frontend } =
  jupyterlab;

module.exports = {
  testTimeout: 20000,
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
      transform: {
        ...frontend.transform,
        '^.+\\.tsx?$': tsJest('<rootDir>/tsconfig.test.json')
      },
      transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
    }
  ]
};
