/** Shared mode: the mapping file (parsed, validated, reloaded) first, then Kubeflow Profiles. */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MappingFile, parseMapping } from '../../src/identity/mapping';
import { ProfileDirectory } from '../../src/identity/profiles';
import { SharedResolver } from '../../src/identity/shared';
import { IdentityError } from '../../src/identity/types';
import { createLogger } from '../../src/log';

const lines: string[] = [];
const log = createLogger(line => lines.push(line));

describe('parseMapping', () => {
  it('reads YAML and JSON; the service account defaults to default-editor', () => {
    const yaml = parseMapping('users:\n  alice: {namespace: team-a, serviceAccount: alice-sa}\n  bob@example.com: {namespace: team-b}\n');
    expect(yaml.get('alice')).toEqual({ namespace: 'team-a', serviceAccount: 'alice-sa' });
    expect(yaml.get('bob@example.com')).toEqual({ namespace: 'team-b', serviceAccount: 'default-editor' });
    expect(parseMapping('{"users": {"carol": {"namespace": "c"}}}').get('carol')).toEqual({ namespace: 'c', serviceAccount: 'default-editor' });
  });

  it.each([
    ['[1, 2]', /must hold an object 'users/],
    ['users: {alice: team-a}', /users\.alice must be an object/],
    ['users: {alice: {namespace: Team_A}}', /users\.alice\.namespace must be a namespace name, not "Team_A"/],
    ['users: {alice: {namespace: a, serviceAccount: "x y"}}', /users\.alice\.serviceAccount must be a service-account name/],
    ['users: {alice: {namespace: a, role: admin}}', /users\.alice\.role is not a known field/],
    ['users: {alice: {namespace: [', /not YAML or JSON/]
  ])('refuses %s naming the entry', (text, message) => {
    expect(() => parseMapping(text)).toThrow(message);
  });
});

describe('MappingFile', () => {
  it('re-reads the file when it changes, and keeps the last good mapping after a bad edit', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kfb-map-')), 'users.yaml');
    writeFileSync(path, 'users: {alice: {namespace: a}}');
    utimesSync(path, 1000, 1000);
    const file = new MappingFile(path, log);
    expect(file.lookup('alice')?.namespace).toBe('a');
    writeFileSync(path, 'users: {alice: {namespace: b}, bob: {namespace: c}}');
    utimesSync(path, 2000, 2000);
    expect(file.lookup('alice')?.namespace).toBe('b');
    expect(file.lookup('bob')?.namespace).toBe('c');
    writeFileSync(path, 'users: {alice: {namespace: NOPE}}');
    utimesSync(path, 3000, 3000);
    expect(file.lookup('alice')?.namespace).toBe('b');
    expect(lines.join('')).toContain('keeping the last good one');
  });
});

describe('SharedResolver', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'kfb-map-')), 'users.json');
  writeFileSync(path, JSON.stringify({ users: { alice: { namespace: 'mapped-a', serviceAccount: 'sa-a' } } }));
  const profiles = [
    { metadata: { name: 'profile-alice' }, spec: { owner: { kind: 'User', name: 'alice' } } },
    { metadata: { name: 'profile-bob' }, spec: { owner: { kind: 'User', name: 'bob@example.com' } } }
  ];

  it('takes the mapping first, then the profile the user owns (SA default-editor)', async () => {
    const resolver = new SharedResolver(new MappingFile(path, log), new ProfileDirectory(async () => profiles, log), log);
    expect(await resolver.resolve('alice')).toEqual({ user: 'alice', namespace: 'mapped-a', serviceAccount: 'sa-a', mode: 'shared' });
    expect(await resolver.resolve('bob@example.com')).toEqual({
      user: 'bob@example.com',
      namespace: 'profile-bob',
      serviceAccount: 'default-editor',
      mode: 'shared'
    });
  });

  it('refuses an unknown user with a 403 that says so', async () => {
    const resolver = new SharedResolver(new MappingFile(path, log), new ProfileDirectory(async () => profiles, log), log);
    const err = await resolver.resolve('mallory').catch(e => e);
    expect(err).toBeInstanceOf(IdentityError);
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/user 'mallory' is not known to the Kubeflow bridge \(not in the bridge's user map or any Kubeflow profile's owner\)/);
  });

  it('says when profiles could not be read', async () => {
    const resolver = new SharedResolver(undefined, new ProfileDirectory(async () => Promise.reject(Object.assign(new Error('HTTP-Code: 403'), { code: 403 })), log), log);
    await expect(resolver.resolve('bob')).rejects.toThrow(/Kubeflow profiles could not be read/);
  });

  it('lists profiles once per TTL', async () => {
    let lists = 0;
    let now = 0;
    const dir = new ProfileDirectory(async () => (lists++, profiles), log, () => now, 1000);
    await dir.lookup('alice');
    await dir.lookup('bob@example.com');
    expect(lists).toBe(1);
    now = 1001;
    await dir.lookup('alice');
    expect(lists).toBe(2);
  });
});
