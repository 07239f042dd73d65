import { parseDockerBuilderConfig } from './config';
import { credentialsFor } from './registry-auth';
import { fingerprintTag, parseDigestReference, registryBaseUrl, registryOf } from './registry-ref';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('docker builder: registry settings', () => {
  it('push needs a repository naming a registry', () => {
    expect(parseDockerBuilderConfig({ type: 'docker', repository: '127.0.0.1:5000/team/app', push: true })).toMatchObject({ push: true });
    expect(() => parseDockerBuilderConfig({ type: 'docker', repository: 'team/app', push: true }, 'local')).toThrow(
      'builder "local" (docker): "push" needs a "repository" that names a registry (e.g. 127.0.0.1:5000/team/app), got "team/app"',
    );
    expect(() => parseDockerBuilderConfig({ type: 'docker', push: true })).toThrow('got null');
  });

  it('takes credentials by our names or by Packer\'s login_*, both halves, never both names', () => {
    const repository = 'registry.example.test/team/app';
    expect(parseDockerBuilderConfig({ type: 'docker', repository, registry_username: 'u', registry_password: 'p' })).toMatchObject({ registryUsername: 'u', registryPassword: 'p' });
    expect(parseDockerBuilderConfig({ type: 'docker', repository, login_username: 'u', login_password: 'p' })).toMatchObject({ registryUsername: 'u', registryPassword: 'p' });
    expect(() => parseDockerBuilderConfig({ type: 'docker', repository, registry_username: 'u' })).toThrow('"registry_password" is needed too');
    expect(() => parseDockerBuilderConfig({ type: 'docker', repository, registry_username: 'u', login_username: 'v', registry_password: 'p' })).toThrow('"login_username" and "registry_username" are the same setting');
    // Empty values (a sensitive variable left at its "" default) mean none: Docker's config is used.
    expect(parseDockerBuilderConfig({ type: 'docker', repository, registry_username: '', registry_password: '' })).toMatchObject({ registryUsername: undefined, registryPassword: undefined });
  });

  it("takes Packer's login (credentials required) and login_server (the registry they are for)", () => {
    const repository = 'registry.example.test/team/app';
    expect(() => parseDockerBuilderConfig({ type: 'docker', repository, login: true })).toThrow('"login" needs "login_username" and "login_password"');
    const parsed = parseDockerBuilderConfig({ type: 'docker', repository, login: true, login_server: 'https://other.test:5000/v1/', login_username: 'u', login_password: 'p' });
    expect(parsed).toMatchObject({ registryServer: 'other.test:5000', registryUsername: 'u' });
    const env = { DOCKER_CONFIG: mkdtempSync(join(tmpdir(), 'nx-bake-docker-config-')) };
    expect(credentialsFor('other.test:5000', parsed, env)).toEqual({ username: 'u', password: 'p', serveraddress: 'other.test:5000' });
    expect(credentialsFor('registry.example.test', parsed, env)).toBeUndefined();
  });

  it('finds the registry of a reference by Docker\'s rule', () => {
    expect(registryOf('127.0.0.1:5000/team/app')).toEqual({ host: '127.0.0.1:5000', name: 'team/app', repository: '127.0.0.1:5000/team/app' });
    expect(registryOf('localhost/app')?.host).toBe('localhost');
    expect(registryOf('nx-bake/example')).toBeUndefined();
    expect(registryOf('debian')).toBeUndefined();
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseDigestReference(`127.0.0.1:5000/team/app@${digest}`)).toMatchObject({ host: '127.0.0.1:5000', name: 'team/app', digest });
    expect(parseDigestReference('127.0.0.1:5000/team/app@sha256:short')).toBeUndefined();
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(registryBaseUrl('registry.example.test')).toBe('https://registry.example.test');
    expect(fingerprintTag('app-base', 'f'.repeat(32))).toBe(`app-base-${'f'.repeat(32)}`);
    expect(fingerprintTag('s'.repeat(120), 'f'.repeat(32)).length).toBeLessThanOrEqual(128);
  });

  it('reads credentials from the builder for its own registry, else from Docker\'s config (auths)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-bake-docker-config-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'other.test:5000': { auth: Buffer.from('alice:s3cret:with-colon').toString('base64') } } }));
    const env = { DOCKER_CONFIG: dir };
    const config = { repository: 'mine.test/team/app', registryUsername: 'bob', registryPassword: 'pw' };
    expect(credentialsFor('mine.test', config, env)).toEqual({ username: 'bob', password: 'pw', serveraddress: 'mine.test' });
    expect(credentialsFor('other.test:5000', config, env)).toEqual({ username: 'alice', password: 's3cret:with-colon', serveraddress: 'other.test:5000' });
    expect(credentialsFor('third.test', config, env)).toBeUndefined();
  });
});
