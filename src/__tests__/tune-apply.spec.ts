import { applyEdits, literalEdits, pythonLiteral } from '../panels/tune/apply';

const apply = (source: string, values: { [name: string]: unknown }) => applyEdits(source, literalEdits(source, values).edits);

describe('Apply best trial: literal edits', () => {
  it('rewrites only the literals, keeping comments, hints and other lines', () => {
    const source = [
      '# Tuned by hand last week',
      'lr = 0.01  # learning rate',
      'epochs: int = 10',
      'optimizer = "adam"',
      "activation = 'relu'",
      'use_bias = True',
      'layers = [64, 32]',
      ''
    ].join('\n');
    expect(apply(source, { lr: 0.0031, epochs: 24, optimizer: 'sgd', activation: 'tanh', use_bias: false })).toBe(
      [
        '# Tuned by hand last week',
        'lr = 0.0031  # learning rate',
        'epochs: int = 24',
        'optimizer = "sgd"',
        "activation = 'tanh'",
        'use_bias = False',
        'layers = [64, 32]',
        ''
      ].join('\n')
    );
  });

  it('writes negative numbers over positive ones and back, floats stay floats', () => {
    const source = 'shift = -2.5\noffset = 3\nscale = 1.0\n';
    expect(apply(source, { shift: 0.75, offset: -4, scale: 2 })).toBe('shift = 0.75\noffset = -4\nscale = 2.0\n');
    expect(apply('a = 0.5\n', { a: -1e-7 })).toBe('a = -1e-7\n');
  });

  it('gives no edit for an unchanged value and reports names without a literal', () => {
    const source = 'n = 3  # keep\nm = n * 2\n';
    expect(literalEdits(source, { n: 3, m: 7, k: 1 })).toEqual({ edits: [], missing: ['m', 'k'] });
  });

  it('edits last first so every offset stays valid', () => {
    const result = literalEdits('x = 1\ny = 2\n', { x: 10, y: 20 });
    expect(result.edits).toEqual([
      { name: 'y', from: 10, to: 11, text: '20' },
      { name: 'x', from: 4, to: 5, text: '10' }
    ]);
  });

  it('formats Python literals of each type', () => {
    expect(pythonLiteral(5, 'int')).toBe('5');
    expect(pythonLiteral(5.5, 'int')).toBeNull();
    expect(pythonLiteral(3, 'float')).toBe('3.0');
    expect(pythonLiteral(true, 'bool')).toBe('True');
    expect(pythonLiteral('it\'s "x"', 'str', "'a'")).toBe("'it\\'s \"x\"'");
    expect(pythonLiteral('line\nbreak', 'str')).toBe('"line\\nbreak"');
  });
});
