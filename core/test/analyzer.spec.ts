import { analyzeNotebook, createAnalyzer } from '../src/analysis';
import type { NotebookCell, NotebookDocument } from '../src/types';

/** 500 cells: 100 steps of 5 cells, each step reading the previous step's value. */
function bigNotebook(): NotebookDocument {
  const cells: NotebookCell[] = [
    { cell_type: 'code', source: 'import math', metadata: { kubeflow: { role: 'imports' } } },
    { cell_type: 'code', source: 'SEED = 1', metadata: { kubeflow: { role: 'parameters' } } }
  ];
  for (let s = 0; cells.length < 500; s++) {
    const prev = s === 0 ? 'SEED' : `v${s - 1}`;
    cells.push({ cell_type: 'code', source: `v${s} = ${prev} + 1`, metadata: { kubeflow: { step: `s${s}` } } });
    cells.push({ cell_type: 'code', source: `tmp = [i * v${s} for i in range(3)]`, metadata: {} });
    cells.push({ cell_type: 'markdown', source: `## step ${s}`, metadata: {} });
    cells.push({ cell_type: 'code', source: `def f${s}(x):\n    return x + tmp[0]\nw = f${s}(v${s})`, metadata: {} });
    cells.push({ cell_type: 'code', source: `%matplotlib inline\nprint(math.sqrt(w))`, metadata: {} });
  }
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.slice(0, 500) };
}

describe('analyzer', () => {
  it('analyses a 500-cell notebook correctly', () => {
    const nb = bigNotebook();
    const graph = analyzeNotebook(nb);
    expect(graph.problems).toEqual([]);
    expect(graph.steps).toHaveLength(100);
    expect(graph.steps[0]).toMatchObject({ name: 's0', inputs: [], parameters: ['SEED'], outputs: ['v0'], after: [] });
    for (let s = 1; s < 99; s++) {
      expect(graph.steps[s]).toMatchObject({
        name: `s${s}`,
        cells: [2 + 5 * s, 3 + 5 * s, 5 + 5 * s, 6 + 5 * s].filter(c => c < 500),
        inputs: [`v${s - 1}`],
        outputs: [`v${s}`],
        parameters: [],
        after: [`s${s - 1}`],
        sources: { [`v${s - 1}`]: `s${s - 1}` }
      });
    }
    expect(graph.steps[99]).toMatchObject({ inputs: ['v98'], outputs: [], after: ['s98'] });
  });

  it('gives the same graph from the cache, and sees an edit', () => {
    const nb = bigNotebook();
    const analyzer = createAnalyzer();
    const first = analyzer.analyze(nb);
    expect(analyzer.analyze(nb)).toEqual(first);
    expect(first).toEqual(analyzeNotebook(nb));
    const edited = { ...nb, cells: nb.cells.map(c => ({ ...c })) };
    edited.cells[7] = { ...edited.cells[7], source: 'v1 = v0 + undefined_name' };
    const after = analyzer.analyze(edited);
    expect(after.problems.map(p => [p.cell, p.name])).toEqual([[7, 'undefined_name']]);
    expect(analyzer.analyze(nb)).toEqual(first);
  });
});
