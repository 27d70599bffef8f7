/** The token cache: expiry margin, one mint per key, coalesced requests, failures not kept. */
import { EXPIRY_MARGIN_MS, MintingTokenSource, TokenCache, TokenKey } from '../../src/identity/tokens';
import { IdentityError } from '../../src/identity/types';

const KEY: TokenKey = { namespace: 'team-a', serviceAccount: 'default-editor', audience: 'kfp' };

function counter() {
  let now = 1_000_000;
  const calls: TokenKey[] = [];
  const mint = async (key: TokenKey) => {
    calls.push(key);
    return { token: `t${calls.length}`, expiresAt: now + 600_000 };
  };
  return { mint, calls, clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenCache', () => {
  it('reuses a token until the margin before expiry, then mints again', async () => {
    const c = counter();
    const cache = new TokenCache(c.mint, c.clock);
    expect(await cache.get(KEY)).toBe('t1');
    c.advance(600_000 - EXPIRY_MARGIN_MS - 1);
    expect(await cache.get(KEY)).toBe('t1');
    c.advance(1);
    expect(await cache.get(KEY)).toBe('t2');
    expect(c.calls).toHaveLength(2);
  });

  it('keeps one token per namespace, service account and audience', async () => {
    const c = counter();
    const cache = new TokenCache(c.mint, c.clock);
    await cache.get(KEY);
    await cache.get({ ...KEY, audience: 'kube' });
    await cache.get({ ...KEY, namespace: 'team-b' });
    await cache.get({ ...KEY, serviceAccount: 'other' });
    await cache.get(KEY);
    expect(c.calls).toHaveLength(4);
  });

  it('coalesces concurrent requests into one mint', async () => {
    let release!: () => void;
    let mints = 0;
    const cache = new TokenCache(async () => {
      mints += 1;
      await new Promise<void>(r => (release = r));
      return { token: 'shared', expiresAt: Date.now() + 600_000 };
    });
    const all = Promise.all([cache.get(KEY), cache.get(KEY), cache.get(KEY)]);
    await new Promise(r => setImmediate(r));
    release();
    expect(await all).toEqual(['shared', 'shared', 'shared']);
    expect(mints).toBe(1);
  });

  it('does not keep a failure: the next call mints again', async () => {
    let n = 0;
    const cache = new TokenCache(async () => {
      n += 1;
      if (n === 1) {
        throw new Error('refused');
      }
      return { token: 'ok', expiresAt: Date.now() + 600_000 };
    });
    await expect(cache.get(KEY)).rejects.toThrow('refused');
    expect(await cache.get(KEY)).toBe('ok');
  });
});

describe('MintingTokenSource', () => {
  it('mints for the resolved namespace and service account, and refuses unknown users', async () => {
    const c = counter();
    const source = new MintingTokenSource(
      {
        resolve: async user => {
          if (user !== 'alice') {
            throw new IdentityError(`user '${user}' is not known`);
          }
          return { user, namespace: 'team-a', serviceAccount: 'default-editor', mode: 'shared' };
        }
      },
      new TokenCache(c.mint, c.clock)
    );
    expect(await source.token('alice', 'kube')).toBe('t1');
    expect(c.calls).toEqual([{ namespace: 'team-a', serviceAccount: 'default-editor', audience: 'kube' }]);
    await expect(source.token('mallory', 'kfp')).rejects.toMatchObject({ status: 403 });
    expect(c.calls).toHaveLength(1);
  });
});
