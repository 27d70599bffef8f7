import { NotebookError, readNotebook } from '../src/notebook';

const nb = (cells: unknown, extra: object = {}) =>
  JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...extra });

describe('readNotebook', () => {
  it('reads a valid notebook, keeping list sources and ids', () => {
    const doc = readNotebook(nb([{ cell_type: 'code', source: ['a = 1\n', 'b = 2'], metadata: {}, id: 'x1' }]));
    expect(doc).toEqual({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'code', source: ['a = 1\n', 'b = 2'], metadata: {}, id: 'x1' }]
    });
  });

  it.each([
    ['{not json', /the text is not JSON/],
    ['[1, 2]', /the JSON is not an object/],
    ['"text"', /the JSON is not an object/],
    [JSON.stringify({ nbformat: 3, cells: [] }), /nbformat is 3, expected 4/],
    [JSON.stringify({ cells: [] }), /nbformat is undefined, expected 4/],
    [nb({}), /cells must be a list/],
    [nb([], { metadata: [] }), /notebook metadata must be an object/],
    [nb([42]), /^cell 0: must be an object$/],
    [nb([{ cell_type: 'code', source: '' }, { cell_type: 'widget', source: '' }]), /^cell 1: cell_type must be one of code, markdown, raw, got "widget"$/],
    [nb([{ cell_type: 'code', source: 'a' }, { cell_type: 'code', source: 'b' }, { cell_type: 'code', source: 'c' }, { cell_type: 'markdown', source: ['ok', 3] }]), /^cell 3: source must be a string or a list of strings$/],
    [nb([{ cell_type: 'code', source: null }]), /^cell 0: source must be a string or a list of strings$/],
    [nb([{ cell_type: 'code', source: '', metadata: 'x' }]), /^cell 0: metadata must be an object$/],
    [nb([{ cell_type: 'code', source: '', id: 5 }]), /^cell 0: id must be a string$/]
  ])('rejects %s', (text, message) => {
    expect(() => readNotebook(text)).toThrow(NotebookError);
    expect(() => readNotebook(text)).toThrow(message);
  });

  it('defaults missing cell metadata to an empty object', () => {
    expect(readNotebook(nb([{ cell_type: 'raw', source: 'x' }])).cells[0].metadata).toEqual({});
  });
});
