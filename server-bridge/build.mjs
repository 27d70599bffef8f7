// Bundles the bridge (and the parts of core/ it uses) into one CommonJS file
// inside the Python package, so a pip install needs no node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url)));

await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  outfile: new URL('../jupyterlab_kubeflow/bridge/kubeflow-bridge.cjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The bridge runs on the Node that the Python package brings (24.x).
  target: 'node22',
  sourcemap: 'inline',
  sourcesContent: false,
  legalComments: 'inline',
  define: { BRIDGE_VERSION: JSON.stringify(pkg.version) },
  // ws's optional native accelerators are not installed; keep them external.
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning'
});
