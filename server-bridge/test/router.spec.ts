import { Router } from '../src/http/router';

describe('Router', () => {
  const a = () => undefined;
  const b = () => undefined;
  const router = new Router().add('GET', '/api/runs/:id', a).add('POST', '/api/runs', b);

  it('matches a path with parameters', () => {
    const found = router.match('GET', '/api/runs/r%201');
    expect(found).toEqual({ handler: a, params: { id: 'r 1' } });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('DELETE', '/api/runs')).toBe('method');
    expect(router.match('GET', '/api/nothing')).toBeNull();
    expect(router.match('GET', '/api/runs/a/b')).toBeNull();
  });
});
