/**
 * Test driver for the pytest modules: a PipelineGraph as JSON on stdin, the
 * compiled IR YAML on stdout; a CompileError goes to stderr, exit 2.
 * Bundled on the fly by esbuild (core itself has no Node entry point).
 */
import { readFileSync } from 'fs';
import { CompileError, compilePipeline } from '../../core/src/compile';

const graph = JSON.parse(readFileSync(0, 'utf-8'));
try {
  process.stdout.write(compilePipeline(graph).yaml);
} catch (error) {
  if (error instanceof CompileError) {
    process.stderr.write(`CompileError: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
