import { analyzeNotebook } from '../../core/src/analysis';
import { initialSpec, SpaceDraft } from '../panels/tune/draft';

const graph = analyzeNotebook({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'code', source: 'x = 0.5\ny = 2\nname = "a"', metadata: { kubeflow: { role: 'parameters' } } },
    { cell_type: 'code', source: 'score = -(x - 1) ** 2 - y', metadata: { kubeflow: { step: 'f' } } },
    { cell_type: 'code', source: 'score', metadata: { kubeflow: { role: 'metrics' } } }
  ]
});

const fields = (d: SpaceDraft) => d.problems.filter(p => p.severity === 'error').map(p => p.field);

describe('SpaceDraft', () => {
  it('starts from the parameters cell and is valid', () => {
    const d = new SpaceDraft(initialSpec(undefined, graph), graph);
    expect(d.spec.parameters.map(p => [p.name, p.type, p.min, p.max, p.log])).toEqual([
      ['x', 'double', 0.05, 5, true],
      ['y', 'int', 1, 4, undefined],
      ['name', 'categorical', undefined, undefined, undefined]
    ]);
    expect(d.spec.objective).toEqual({ metric: 'score', direction: 'maximize' });
    expect(d.valid).not.toBeNull();
  });

  it('places problems at their field and is invalid until fixed', () => {
    const d = new SpaceDraft(initialSpec(undefined, graph), graph);
    d.include('name', false);
    d.setBound('x', 'min', '6');
    expect(fields(d)).toEqual(['parameters.x.max']);
    expect(d.valid).toBeNull();
    d.setBound('x', 'min', 'abc');
    expect(fields(d)).toEqual(['parameters.x.min']);
    expect(d.text('parameters.x.min', 1)).toBe('abc');
    d.setBound('x', 'min', '0.1');
    d.setObjective({ metric: 'accuracy' });
    expect(fields(d)).toEqual(['objective.metric']);
    d.setObjective({ metric: 'score' });
    d.setAlgorithm('grid');
    expect(fields(d)).toEqual(['parameters.x.step']);
    d.setBound('x', 'step', '0.1');
    // x: 0.1..5 by 0.1 (50 points) times y: 1..4 (4 points).
    expect(fields(d)).toEqual(['budget.maxTrials']);
    d.setAlgorithm('cmaes');
    d.include('y', false);
    expect(fields(d)).toEqual(['algorithm']);
    d.include('y', true);
    expect(d.valid).not.toBeNull();
  });

  it('switches a parameter between a range and a list', () => {
    const d = new SpaceDraft(initialSpec(undefined, graph), graph);
    d.setType('y', 'discrete');
    expect(d.parameter('y')).toEqual({ name: 'y', type: 'discrete', list: [2], default: 2 });
    d.setList('y', '1, 2, 8');
    expect(d.parameter('y')!.list).toEqual([1, 2, 8]);
    d.setType('y', 'int');
    expect(d.parameter('y')).toEqual({ name: 'y', type: 'int', min: 1, max: 4, default: 2 });
  });
});
