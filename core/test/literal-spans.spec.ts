import { parameterLiteralSpans } from '../src/analysis/literal-spans';

describe('parameterLiteralSpans', () => {
  it('places each literal, negative numbers and type hints included', () => {
    const source = '# knobs\nlr = 0.01  # learning rate\nn: int = -3\nname = "adam"\nuse = True\n';
    const spans = parameterLiteralSpans(source);
    expect(spans.map(s => [s.name, s.type, s.value, s.text, source.slice(s.from, s.to)])).toEqual([
      ['lr', 'float', 0.01, '0.01', '0.01'],
      ['n', 'int', -3, '-3', '-3'],
      ['name', 'str', 'adam', '"adam"', '"adam"'],
      ['use', 'bool', true, 'True', 'True']
    ]);
  });

  it('keeps the last assignment of a name and skips what is not a literal', () => {
    const source = 'a = 1\nb = a + 1\na = 2\n';
    expect(parameterLiteralSpans(source).map(s => [s.name, s.from, s.to])).toEqual([['a', 20, 21]]);
  });

  it('reads around magics without shifting offsets', () => {
    const source = '%matplotlib inline\nx = 0.5\n';
    expect(parameterLiteralSpans(source)).toEqual([{ name: 'x', type: 'float', value: 0.5, from: 23, to: 26, text: '0.5' }]);
  });
});
