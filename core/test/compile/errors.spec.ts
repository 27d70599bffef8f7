import { CompileError, compilePipeline } from '../../src/compile';
import { PipelineGraph } from '../../src/types';
import { step, twoSteps } from './fixtures';

/** The CompileError a broken graph gives (fails the test if none). */
function errorOf(edit: (g: PipelineGraph) => void): CompileError {
  const graph = twoSteps();
  edit(graph);
  try {
    compilePipeline(graph);
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    return error as CompileError;
  }
  throw new Error('compiled without error');
}

describe('CompileError', () => {
  it('refuses a graph with error problems, naming cell and step', () => {
    const e = errorOf(g => {
      g.problems.push({ severity: 'warning', cell: 0, message: 'just a warning' });
      g.problems.push({ severity: 'error', cell: 3, step: 'train', name: 'x', message: 'x is undefined' });
    });
    expect(e.message).toBe('cannot compile: cell 3: x is undefined');
    expect([e.step, e.variable, e.cell]).toEqual(['train', 'x', 3]);
  });

  it('compiles with warnings only', () => {
    const g = twoSteps();
    g.problems.push({ severity: 'warning', cell: null, message: 'meh' });
    expect(() => compilePipeline(g)).not.toThrow();
  });

  it('refuses a graph without steps', () => {
    expect(errorOf(g => (g.steps = [])).message).toMatch(/no pipeline step/);
  });

  it('refuses task name clashes and the pipeline name', () => {
    const e = errorOf(g => g.steps.push(step('Load-Data')));
    expect(e.message).toMatch(/load_data and Load-Data both become task load-data/);
    expect(e.step).toBe('Load-Data');
    const own = errorOf(g => (g.steps[0] = step('demo_pipeline')));
    expect(own.message).toMatch(/pipeline's name/);
  });

  it('refuses bad step names', () => {
    expect(errorOf(g => (g.steps[0].name = '1st')).step).toBe('1st');
    expect(errorOf(g => (g.steps[0].name = 'a'.repeat(51))).message).toMatch(/longer than 50/);
  });

  it('names a bad parameter', () => {
    let e = errorOf(g => (g.parameters[0].default = 1.5));
    expect(e.message).toBe('parameter n_rows: default 1.5 is not a int');
    expect([e.variable, e.cell]).toEqual(['n_rows', 1]);
    e = errorOf(g => (g.parameters[3].type = 'complex' as never));
    expect(e.message).toMatch(/shuffle has unknown type complex/);
    e = errorOf(g => g.steps[0].parameters.push('nope'));
    expect([e.step, e.variable, e.field]).toEqual(['load_data', 'nope', 'parameters']);
  });

  it('refuses a name that is both parameter and input', () => {
    const e = errorOf(g => {
      g.parameters.push({ name: 'data', type: 'int', default: 1, cell: 1 });
      g.steps[1].parameters.push('data');
    });
    expect(e.message).toBe('step train: data is both a parameter and an input');
  });

  it('names an input without producer', () => {
    let e = errorOf(g => (g.steps[1].sources = {}));
    expect(e.message).toBe('step train: input data has no producing step');
    e = errorOf(g => (g.steps[0].outputs = []));
    expect(e.message).toBe('step train: input data: step load_data does not output it');
  });

  it('names unknown dependencies and cycles', () => {
    expect(errorOf(g => g.steps[1].after.push('ghost')).message).toBe(
      'step train: depends on unknown step ghost'
    );
    const e = errorOf(g => (g.steps[0].after = ['train']));
    expect(e.message).toMatch(/depend on each other: (load_data -> train -> load_data|train -> load_data -> train)/);
  });

  it('names the bad settings field', () => {
    const field = (edit: (g: PipelineGraph) => void) => errorOf(edit).field;
    expect(field(g => (g.steps[0].settings.retries = -1))).toBe('retries');
    expect(field(g => (g.steps[0].settings.retries = 1.5))).toBe('retries');
    expect(field(g => (g.steps[0].settings.resources = { cpuLimit: 'lots' }))).toBe('resources.cpuLimit');
    expect(field(g => (g.steps[0].settings.gpu = { count: 0 }))).toBe('gpu.count');
    expect(field(g => (g.steps[0].settings.image = 'has space'))).toBe('image');
    expect(
      field(g => (g.steps[0].settings.secrets = [{ env: '1X', secret: 's', key: 'k' }]))
    ).toBe('secrets[0].env');
    expect(
      field(g => (g.steps[0].settings.secrets = [{ env: 'X', secret: 'Bad_Name', key: 'k' }]))
    ).toBe('secrets[0].secret');
  });

  it('refuses a step program too large for one argument', () => {
    const e = errorOf(g => (g.sources[3] = '#' + 'x'.repeat(130 * 1024)));
    expect(e.message).toMatch(/step train: its program is \d+ bytes/);
  });
});
