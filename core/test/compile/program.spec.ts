import { compilePipeline } from '../../src/compile';
import { cleanCellSource } from '../../src/compile/magics';
import { RUNTIME_PY } from '../../src/compile/runtime.py';
import { twoSteps } from './fixtures';

type Any = { [key: string]: any };

function program(step: string): string {
  const spec = compilePipeline(twoSteps()).pipelineSpec as Any;
  return spec.deploymentSpec.executors[`exec-${step}`].container.command[3];
}

describe('the step program', () => {
  it('opens with the runtime and ends with the step data', () => {
    const text = program('train');
    expect(text.startsWith(RUNTIME_PY)).toBe(true);
    const tail = text.slice(RUNTIME_PY.length);
    expect(tail).toBe(
      [
        '',
        'STEP = {',
        '    "name": "train",',
        '    "parameters": {"rate": "float"},',
        '    "inputs": ["data"],',
        '    "outputs": ["accuracy"],',
        '    "metrics": [],',
        '    "notes": [],',
        '}',
        'SETUP_CELLS = [',
        '    (0, "import math\\n"),',
        ']',
        'STEP_CELLS = [',
        '    (3, "accuracy = rate * len(data) / n_rows if False else rate"),',
        ']',
        'main(STEP, SETUP_CELLS, STEP_CELLS)',
        ''
      ].join('\n')
    );
  });

  it('notes dropped shell lines and lists the metrics', () => {
    expect(program('load-data')).toContain(
      '"notes": ["cell 2: skipped !pip install nothing (not Python)"]'
    );
    expect(program('pipeline-metrics')).toContain('"metrics": ["accuracy"]');
  });
});

describe('cleanCellSource', () => {
  it('blanks magics and shell lines, keeping line numbers', () => {
    const clean = cleanCellSource('%matplotlib inline\nx = 1\n!ls -l\nif x:\n    !echo hi\ny = 2');
    expect(clean.source).toBe('\nx = 1\n\nif x:\n    pass\ny = 2');
    expect(clean.dropped).toEqual(['!ls -l', '!echo hi']);
  });

  it('keeps the statement of %time and the body of %%time', () => {
    expect(cleanCellSource('%time y = f()').source).toBe('y = f()');
    expect(cleanCellSource('%%time\nz = 1').source).toBe('\nz = 1');
  });

  it('drops a non-Python cell magic whole', () => {
    const clean = cleanCellSource('%%bash\necho hi\nls');
    expect(clean.source).toBe('\n\n');
    expect(clean.dropped).toEqual(['%%bash']);
  });
});

describe('the YAML', () => {
  it('is deterministic: same graph, same bytes', () => {
    const a = compilePipeline(twoSteps()).yaml;
    const b = compilePipeline(JSON.parse(JSON.stringify(twoSteps()))).yaml;
    expect(a).toBe(b);
  });

  it('sorts keys, uses no anchors, quotes YAML 1.1 booleans', () => {
    const graph = twoSteps();
    graph.steps[0].settings.secrets = [{ env: 'A', secret: 'on', key: 'k' }];
    const { yaml } = compilePipeline(graph);
    expect(yaml.indexOf('components:')).toBeLessThan(yaml.indexOf('deploymentSpec:'));
    expect(yaml.indexOf('deploymentSpec:')).toBeLessThan(yaml.indexOf('pipelineInfo:'));
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(yaml).toContain('defaultValue: "yes"');
    expect(yaml).toContain('secretName: "on"');
    expect(yaml).not.toMatch(/^%YAML/m);
  });

  it('writes the step program as a literal block', () => {
    const { yaml } = compilePipeline(twoSteps());
    expect(yaml).toContain('          - |\n            # --- jupyterlab-kubeflow step runtime ---');
  });
});
