import { createLogger } from '../src/log';

describe('createLogger', () => {
  it('writes one JSON object a line and drops credential-like fields', () => {
    const lines: string[] = [];
    const log = createLogger(
      line => lines.push(line),
      () => new Date('2026-01-02T03:04:05Z')
    );
    log.warning('unauthorized request', {
      path: '/api/health',
      headers: { cookie: 'x' },
      token: 'abc',
      kernelSecret: 'def'
    });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      ts: '2026-01-02T03:04:05.000Z',
      level: 'warning',
      msg: 'unauthorized request',
      path: '/api/health'
    });
  });
});
