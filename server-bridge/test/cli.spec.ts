/**
 * `kubeflow-bridge analyze` and `compile`, run in-process on real temp
 * files: the documented JSON, the IR the compiler gives for the same graph,
 * clear errors for files that are not notebooks, and no half-written output.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { analyzeNotebook, readNotebook } from '../../core/src/analysis';
import { compilePipeline } from '../../core/src/compile';
import { analyze } from '../src/cli/analyze';
import { compile } from '../src/cli/compile';
import { UsageError } from '../src/cli/usage';
import { main } from '../src/main';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeflow-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const code = (source: string, kubeflow?: unknown) => ({
  cell_type: 'code',
  source,
  metadata: kubeflow === undefined ? {} : { kubeflow },
  outputs: [],
  execution_count: null
});

/** Our annotations; a markdown cell first so cell indices count every cell. */
const GOOD = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'markdown', source: '# Churn', metadata: {} },
    code('import math', { role: 'imports' }),
    code('N = 5\nRATE = 0.5', { role: 'parameters' }),
    code('rows = [i * RATE for i in range(N)]', { step: 'load' }),
    code('total = math.fsum(rows)', { step: 'sum_up' }),
    code('print(total)', { role: 'metrics' })
  ]
};

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function run(
  command: typeof analyze,
  argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await command(argv, {}, {
    stdout: text => void (stdout += text),
    stderr: text => void (stderr += text)
  });
  return { code: status, stdout, stderr };
}

describe('analyze', () => {
  it('prints the documented JSON, the metrics step last', async () => {
    const result = await run(analyze, [write('churn.ipynb', GOOD), '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      pipeline: 'churn',
      parameters: [
        { name: 'N', type: 'int', default: 5 },
        { name: 'RATE', type: 'float', default: 0.5 }
      ],
      metrics: ['total'],
      steps: [
        { name: 'load', cells: [3], inputs: [], outputs: ['rows'], after: [] },
        { name: 'sum_up', cells: [4], inputs: ['rows'], outputs: ['total'], after: ['load'] },
        { name: 'pipeline-metrics', cells: [5], inputs: ['total'], outputs: [], after: ['sum_up'] }
      ],
      problems: []
    });
  });

  it('prints a readable summary without --json', async () => {
    const result = await run(analyze, [write('churn.ipynb', GOOD)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  sum_up (cell 4) · after load\n      needs rows · gives total\n');
    expect(result.stdout).toContain('no problems');
  });

  it('names the cell and field of garbage in our metadata, exit 1', async () => {
    const nb = { ...GOOD, cells: [...GOOD.cells, code('x = 1', { step: 42 })] };
    const path = write('bad-meta.ipynb', nb);
    const json = await run(analyze, [path, '--json']);
    expect(json.code).toBe(1);
    const errors = JSON.parse(json.stdout).problems.filter(
      (p: { severity: string }) => p.severity === 'error'
    );
    expect(errors).toHaveLength(1);
    expect(Object.keys(errors[0])).toEqual(['severity', 'cell', 'message']);
    expect(errors[0].cell).toBe(6);
    expect(errors[0].message).toContain('step name must be a string, got 42');
    const text = await run(analyze, [path]);
    expect(text.code).toBe(1);
    // The place is said once, though core's message opens with it too.
    expect(text.stdout).toContain('\n  cell 6: error: step name must be a string, got 42;');
  });

  it('refuses text that is not JSON, naming the file, exit 2', async () => {
    const path = write('notes.ipynb', '{"cells": [');
    const result = await run(analyze, [path, '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${path}: not a notebook: the text is not JSON`);
  });

  it('refuses nbformat 3, naming the file and the version', async () => {
    const path = write('old.ipynb', { nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] });
    const result = await run(analyze, [path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path}: unsupported notebook format: nbformat is 3, expected 4`);
  });

  it('says so when the file is missing or a directory', async () => {
    const missing = join(dir, 'nope.ipynb');
    expect((await run(analyze, [missing])).stderr).toContain(`${missing}: no such file`);
    expect((await run(analyze, [dir])).stderr).toContain(`${dir}: is a directory`);
  });

  it('takes exactly one notebook', async () => {
    await expect(run(analyze, [])).rejects.toThrow(UsageError);
    await expect(run(analyze, ['a.ipynb', 'b.ipynb'])).rejects.toThrow(UsageError);
  });
});

describe('compile', () => {
  it('prints the IR that compilePipeline gives for the same graph', async () => {
    const path = write('churn.ipynb', GOOD);
    const result = await run(compile, [path]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const graph = analyzeNotebook(readNotebook(JSON.stringify(GOOD)), { defaultName: 'churn' });
    expect(result.stdout).toBe(compilePipeline(graph).yaml);
    const docs = parseAllDocuments(result.stdout);
    expect(docs).toHaveLength(1);
    expect(docs[0].errors).toEqual([]);
    const spec = docs[0].toJS();
    expect(spec.pipelineInfo.name).toBe('churn');
    expect(Object.keys(spec.root.dag.tasks).sort()).toEqual(['load', 'pipeline-metrics', 'sum-up']);
  });

  it('writes -o FILE and leaves nothing else in its directory', async () => {
    const out = join(dir, 'out', 'churn.yaml');
    mkdirSync(join(dir, 'out'));
    const result = await run(compile, [write('churn.ipynb', GOOD), '-o', out]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(out, 'utf-8')).toBe((await run(compile, [join(dir, 'churn.ipynb')])).stdout);
    expect(readdirSync(join(dir, 'out'))).toEqual(['churn.yaml']);
  });

  it('prints every error as NOTEBOOK: cell N: message and writes nothing', async () => {
    const nb = {
      ...GOOD,
      cells: [...GOOD.cells, code('y = missing_a', { step: 42 }), code('z = missing_b', { step: 'more' })]
    };
    const path = write('bad.ipynb', nb);
    const out = write('bad.yaml', 'previous content\n');
    const result = await run(compile, [path, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const errors = result.stderr.split('\n').filter(line => line.startsWith(`${path}: cell `) && !line.includes('warning:'));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors).toContain(`${path}: cell 6: step name must be a string, got 42; the cell is treated as untagged`);
    expect(errors.some(line => line.startsWith(`${path}: cell 7, line 1: step "more" uses "missing_b"`))).toBe(true);
    expect(readFileSync(out, 'utf-8')).toBe('previous content\n');
    expect(readdirSync(dir).sort()).toEqual(['bad.ipynb', 'bad.yaml']);
  });

  it('reports a CompileError after a clean analysis, exit 1', async () => {
    const path = write('empty.ipynb', { ...GOOD, cells: [GOOD.cells[1]] });
    const result = await run(compile, [path]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${path}: the notebook has no pipeline step\n` });
  });

  it('refuses unreadable notebooks with exit 2 and writes nothing', async () => {
    const out = join(dir, 'x.yaml');
    const notJson = await run(compile, [write('a.ipynb', 'not json'), '-o', out]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('a.ipynb: not a notebook: the text is not JSON');
    const v3 = await run(compile, [write('b.ipynb', { nbformat: 3, nbformat_minor: 0 }), '-o', out]);
    expect(v3.code).toBe(2);
    expect(v3.stderr).toContain('b.ipynb: unsupported notebook format: nbformat is 3');
    expect(readdirSync(dir).sort()).toEqual(['a.ipynb', 'b.ipynb']);
  });

  it('leaves no temporary file when the final rename fails', async () => {
    const target = join(dir, 'taken');
    mkdirSync(target); // rename() cannot replace a directory with a file
    const result = await run(compile, [write('churn.ipynb', GOOD), '-o', target]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write ${target}`);
    expect(readdirSync(dir).sort()).toEqual(['churn.ipynb', 'taken']);
    expect(readdirSync(target)).toEqual([]);
  });

  it('will not overwrite the notebook with -o', async () => {
    const path = write('churn.ipynb', GOOD);
    await expect(run(compile, [path, '-o', path])).rejects.toThrow(UsageError);
    expect(JSON.parse(readFileSync(path, 'utf-8'))).toEqual(GOOD);
  });

  it('is reachable through main, usage errors exit 2', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['compile'], {})).toBe(2);
      expect(await main(['analyze', '--bogus', 'x.ipynb'], {})).toBe(2);
      expect(stderr.mock.calls.map(call => String(call[0])).join('')).toContain(
        'kubeflow-bridge compile: expected one NOTEBOOK argument'
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
