/**
 * Node side of bench/analyze_compile.py: times our analysis and compile on
 * notebook files, in-process, so Node's start-up is not counted. Bundled
 * by esbuild (like tests/core's driver) and run on the bridge's Node.
 *
 * Usage: node driver.cjs RUNS NOTEBOOK...; prints one JSON object:
 * {"node": version, "results": {notebook: {"cells", "steps", "analysis": [ms],
 *  "reanalysis": [ms], "compile": [ms]}}}
 *
 * analysis   = read the file, readNotebook, analyzeNotebook (fresh cache)
 * reanalysis = the live UI's case: one cell edited, a warm createAnalyzer
 * compile    = `kubeflow-bridge compile NOTEBOOK -o FILE` in-process: read,
 *              analyse, compile to YAML, write the file atomically
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeNotebook, createAnalyzer, readNotebook } from '../core/src/analysis';
import type { NotebookDocument } from '../core/src/types';
import { compile } from '../server-bridge/src/cli/compile';

const WARMUP = 5; // let V8 optimise the hot paths before we time them
const quiet = { stdout: () => undefined, stderr: (text: string) => void process.stderr.write(text) };

async function timed(runs: number, fn: (i: number) => unknown): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) {
    await fn(i);
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(WARMUP + i);
    times.push(performance.now() - start);
  }
  return times;
}

/** The notebook with one step cell's source changed, as a keystroke would. */
function edited(nb: NotebookDocument, cell: number, k: number): NotebookDocument {
  const cells = nb.cells.slice();
  cells[cell] = { ...cells[cell], source: `${cells[cell].source as string}\n# edit ${k}\n` };
  return { ...nb, cells };
}

async function bench(path: string, runs: number, out: string) {
  const name = basename(path, '.ipynb');
  const nb = readNotebook(readFileSync(path, 'utf-8'));
  const graph = analyzeNotebook(nb, { defaultName: name });
  if (graph.problems.some(p => p.severity === 'error')) {
    throw new Error(`${path}: ${graph.problems.find(p => p.severity === 'error')!.message}`);
  }
  const middle = graph.steps[Math.floor(graph.steps.length / 2)].cells[1];
  const live = createAnalyzer();
  live.analyze(nb, { defaultName: name });
  nb.cells.forEach(cell => (cell.source = Array.isArray(cell.source) ? cell.source.join('') : cell.source));
  return {
    cells: nb.cells.length,
    steps: graph.steps.length + (graph.metricsStep ? 1 : 0),
    analysis: await timed(runs, () =>
      analyzeNotebook(readNotebook(readFileSync(path, 'utf-8')), { defaultName: name })
    ),
    reanalysis: await timed(runs, k => live.analyze(edited(nb, middle, k), { defaultName: name })),
    compile: await timed(runs, async () => {
      if ((await compile([path, '-o', out], {}, quiet)) !== 0) {
        throw new Error(`${path}: compile failed`);
      }
    })
  };
}

async function main([runs, ...paths]: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflow-bench-'));
  try {
    const results: { [path: string]: unknown } = {};
    for (const path of paths) {
      results[path] = await bench(path, Number(runs), join(dir, 'pipeline.yaml'));
    }
    process.stdout.write(JSON.stringify({ node: process.version, results }) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch(err => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
