/**
 * `kubeflow-bridge serve --host/--allow-remote/--secret-file/--kernel-token-file`:
 * a non-loopback bind needs an explicit opt-in, secrets come from files as
 * well as the environment, and no error message carries a secret.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeSecrets, checkHost } from '../src/cli/serve-access';
import { UsageError } from '../src/cli/usage';
import { main } from '../src/main';

const SECRET = 'file-secret-0123456789abcdef';
const KERNEL = 'file-kernel-0123456789abcdef';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeflow-serve-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('checkHost', () => {
  it('accepts loopback addresses', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      expect(() => checkHost(host, false)).not.toThrow();
    }
  });

  it('refuses any other address without --allow-remote, saying why and how', () => {
    expect(() => checkHost('0.0.0.0', false)).toThrow(UsageError);
    expect(() => checkHost('10.0.0.5', false)).toThrow(/not a loopback address.*--allow-remote/s);
    expect(() => checkHost('0.0.0.0', true)).not.toThrow();
  });
});

describe('bridgeSecrets', () => {
  it('reads the secret and the kernel token from files, without the trailing newline', () => {
    const secrets = bridgeSecrets(
      { secretFile: file('secret', `${SECRET}\n`), kernelTokenFile: file('kernel', KERNEL) },
      { KUBEFLOW_BRIDGE_SECRET: 'env-secret-is-ignored-0123' }
    );
    expect(secrets).toEqual({ secret: SECRET, kernelToken: KERNEL });
  });

  it('falls back to the environment; no kernel token means kernels are refused', () => {
    expect(bridgeSecrets({}, { KUBEFLOW_BRIDGE_SECRET: SECRET })).toEqual({ secret: SECRET, kernelToken: '' });
  });

  it('refuses a short secret file, naming the file and not its content', () => {
    const path = file('secret', 'short');
    expect(() => bridgeSecrets({ secretFile: path }, {})).toThrow(`--secret-file ${path} must hold`);
    expect(() => bridgeSecrets({ secretFile: path }, {})).not.toThrow(/short$/);
  });

  it('says which file it cannot read', () => {
    const missing = join(dir, 'nope');
    expect(() => bridgeSecrets({ secretFile: missing }, {})).toThrow(`--secret-file ${missing}: cannot read it (ENOENT)`);
    const path = file('kernel', KERNEL);
    chmodSync(path, 0o000);
    const asRoot = process.getuid?.() === 0;
    const attempt = () => bridgeSecrets({ secretFile: file('secret', SECRET), kernelTokenFile: path }, {});
    if (!asRoot) {
      expect(attempt).toThrow(/--kernel-token-file .*cannot read it \(EACCES\)/);
    }
  });
});

describe('kubeflow-bridge serve', () => {
  let stderr: string;
  let spy: jest.SpyInstance;
  beforeEach(() => {
    stderr = '';
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it('exits 2 with a clear message on --host 0.0.0.0 without --allow-remote', async () => {
    const code = await main(['serve', '--host', '0.0.0.0', '--secret-file', file('s', SECRET)], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/kubeflow-bridge serve: --host '0\.0\.0\.0' is not a loopback address/);
    expect(stderr).not.toContain(SECRET);
  });

  it('exits 2 when --secret-file is missing, before listening', async () => {
    const code = await main(['serve', '--secret-file', join(dir, 'absent')], {});
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read it (ENOENT)');
  });
});
