/** The Run dialog's values: text in, typed JSON out, every bad value named. */
import { nullTranslator } from '@jupyterlab/translation';
import { runEndMessage } from '../panels/runs/notify';
import { convertForm, convertValue, initialValue } from '../panels/runs/params';

describe('initialValue', () => {
  it('prefills each type from the parameters cell', () => {
    expect(initialValue({ type: 'int', default: 3 })).toBe('3');
    expect(initialValue({ type: 'float', default: 0.25 })).toBe('0.25');
    expect(initialValue({ type: 'str', default: 'iris' })).toBe('iris');
    expect(initialValue({ type: 'bool', default: true })).toBe(true);
    expect(initialValue({ type: 'bool', default: false })).toBe(false);
    expect(initialValue({ type: 'list', default: [1, 'a'] })).toBe('[1,"a"]');
    expect(initialValue({ type: 'dict', default: { k: 1 } })).toBe('{"k":1}');
  });
});

describe('convertValue', () => {
  it('converts valid text to typed values', () => {
    expect(convertValue('n', 'int', ' 42 ')).toEqual({ ok: true, value: 42 });
    expect(convertValue('n', 'int', '-7')).toEqual({ ok: true, value: -7 });
    expect(convertValue('r', 'float', '1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(convertValue('r', 'float', '5')).toEqual({ ok: true, value: 5 });
    expect(convertValue('s', 'str', ' spaced ')).toEqual({ ok: true, value: ' spaced ' });
    expect(convertValue('s', 'str', '')).toEqual({ ok: true, value: '' });
    expect(convertValue('b', 'bool', true)).toEqual({ ok: true, value: true });
    expect(convertValue('b', 'bool', 'False')).toEqual({ ok: true, value: false });
    expect(convertValue('l', 'list', '[1, 2]')).toEqual({ ok: true, value: [1, 2] });
    expect(convertValue('d', 'dict', '{"a": {"b": null}}')).toEqual({ ok: true, value: { a: { b: null } } });
  });

  it('names the parameter, the expected type and the value it refuses', () => {
    expect(convertValue('n_rows', 'int', '2.5')).toEqual({ ok: false, error: 'n_rows must be an integer, not "2.5"' });
    expect(convertValue('n_rows', 'int', '')).toEqual({ ok: false, error: 'n_rows must be an integer, not ""' });
    expect(convertValue('n_rows', 'int', '9007199254740993')).toEqual({
      ok: false,
      error: 'n_rows must be an integer, not "9007199254740993"'
    });
    expect(convertValue('rate', 'float', 'fast')).toEqual({ ok: false, error: 'rate must be a number, not "fast"' });
    expect(convertValue('rate', 'float', 'Infinity')).toEqual({ ok: false, error: 'rate must be a number, not "Infinity"' });
    expect(convertValue('on', 'bool', 'yes')).toEqual({ ok: false, error: 'on must be true or false, not "yes"' });
    expect(convertValue('xs', 'list', '{"a": 1}')).toEqual({
      ok: false,
      error: 'xs must be a list (JSON, e.g. [1, 2]), not "{\\"a\\": 1}"'
    });
    expect(convertValue('cfg', 'dict', '[1]')).toEqual({
      ok: false,
      error: 'cfg must be a dict (JSON, e.g. {"a": 1}), not "[1]"'
    });
  });
});

describe('convertForm', () => {
  it('returns every typed value, or every error by name', () => {
    const params = [
      { name: 'n', type: 'int' as const },
      { name: 'rate', type: 'float' as const },
      { name: 'shuffle', type: 'bool' as const }
    ];
    expect(convertForm(params, { n: '10', rate: '0.1', shuffle: true })).toEqual({
      values: { n: 10, rate: 0.1, shuffle: true },
      errors: {}
    });
    expect(convertForm(params, { n: 'ten', rate: '0.1' })).toEqual({
      values: { rate: 0.1, shuffle: false },
      errors: { n: 'n must be an integer, not "ten"' }
    });
  });
});

describe('the notification when a run ends', () => {
  const trans = nullTranslator.load('jupyterlab_kubeflow');
  const base = {
    id: 'r1',
    notebook: 'nb.ipynb',
    pipeline: 'quick',
    parameters: {},
    options: { cache: true, python: 'python3', parallelism: 1, timeoutSeconds: 0 },
    createdAt: 0,
    startedAt: 0,
    finishedAt: 75_000,
    metrics: null,
    user: null,
    rerunOf: null
  };

  it('names the duration of a success, and the step, cell and line of a failure', () => {
    expect(runEndMessage({ ...base, state: 'succeeded', error: null }, trans)).toBe('Run of quick succeeded in 1:15');
    expect(
      runEndMessage(
        { ...base, state: 'failed', error: { message: 'ZeroDivisionError: division by zero', task: 'total', cell: 3, line: 2 } },
        trans
      )
    ).toBe('Run of quick failed (step total, cell 3, line 2): ZeroDivisionError: division by zero');
    expect(runEndMessage({ ...base, state: 'cancelled', error: null }, trans)).toBe('Run of quick cancelled after 1:15');
  });
});
