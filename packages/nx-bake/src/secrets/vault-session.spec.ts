import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeVault, type FakeVault } from '../../../fake-vault/src';
import { jwtSigningKey, mintJwt } from '../../../fake-vault/src/testing/mint-jwt';
import type { VaultReference } from '../pipeline/vault-reference';
import { freePort } from '../../test/support/net';
import { openVaultSession } from '.';

/** The Vault client against the fake Vault (a real HTTP server checking every exchange against the contract). */
describe('VaultSession', () => {
  let fake: FakeVault;
  let dir: string;
  const root = `root-${process.pid}-token`;
  const said: string[] = [];
  const say = (message: string) => said.push(message);
  const kv = (path: string, key: string, extra: Partial<Extract<VaultReference, { kind: 'kv' }>> = {}): VaultReference => ({ kind: 'kv', mount: 'secret', path, key, ...extra });
  const raw = (path: string, key: string): VaultReference => ({ kind: 'path', path, key });
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ VAULT_ADDR: fake.url, HOME: dir, ...extra });
  const gets = () => fake.requests().filter((r) => r.method === 'GET').map((r) => `${r.url} ${r.status}`);
  const posts = () => fake.requests().filter((r) => r.method === 'POST').map((r) => r.url);

  beforeAll(async () => {
    fake = await startFakeVault({ rootToken: root });
    dir = mkdtempSync(join(tmpdir(), 'vault-session-'));
    fake.vault.putSecret('secret', 'app', { deploy_token: 'tok-v1' });
    fake.vault.putSecret('secret', 'app', { deploy_token: 'tok-v2', other: 'unused-value' });
    fake.vault.putSecret('kv', 'legacy', { password: 'legacy-pw', port: 5432 });
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.clearRequests();
    said.length = 0;
  });
  afterEach(() => {
    expect(fake.violations()).toEqual([]);
  });

  it('reads KV v2 and v1 with the version detected once per mount, and each path once, with VAULT_TOKEN', async () => {
    const session = openVaultSession(env({ VAULT_TOKEN: root }), say);
    const values = await session.prefetch([kv('app', 'deploy_token'), kv('legacy', 'password', { mount: 'kv' }), raw('secret/data/app', 'deploy_token'), kv('app', 'other'), raw('kv/legacy', 'port')]);
    expect(values.read(kv('app', 'deploy_token'))).toBe('tok-v2');
    expect(values.read(raw('secret/data/app', 'deploy_token'))).toBe('tok-v2');
    expect(values.read(kv('legacy', 'password', { mount: 'kv' }))).toBe('legacy-pw');
    expect(values.read(raw('kv/legacy', 'port'))).toBe(5432);
    expect(gets()).toEqual([
      '/v1/auth/token/lookup-self 200',
      '/v1/secret/config 200',
      '/v1/secret/data/app 200',
      '/v1/kv/config 404',
      '/v1/kv/legacy 200',
    ]);
    // Everything read is redacted, used or not, and so is the token.
    expect(values.secrets()).toEqual(expect.arrayContaining([root, 'tok-v2', 'unused-value', 'legacy-pw', '5432']));
    expect(() => values.read(raw('secret/data/else', 'k'))).toThrow(/secret\/data\/else#k was not read before the build/);
    await session.close();
    // A given token is the caller's: it is never revoked.
    expect(posts()).toEqual([]);
  });

  it('takes a given KV version without asking the mount, and detects it by the data path when the config is denied', async () => {
    fake.vault.policies.app_only = [{ path: 'secret/data/app', capabilities: ['read'] }];
    const token = fake.vault.createToken({ policies: ['app_only'], ttlSeconds: 600 }).id;
    const session = openVaultSession(env({ VAULT_TOKEN: token }), say);
    await session.prefetch([kv('app', 'deploy_token')]);
    expect(gets()).toEqual(['/v1/auth/token/lookup-self 200', '/v1/secret/config 403', '/v1/secret/data/app 200']);
    fake.clearRequests();
    const given = openVaultSession(env({ VAULT_TOKEN: token }), say);
    await given.prefetch([kv('app', 'deploy_token', { version: 2 })]);
    expect(gets()).toEqual(['/v1/auth/token/lookup-self 200', '/v1/secret/data/app 200']);
  });

  it('logs in with AppRole, renews and revokes the lease of dynamic credentials, then revokes its token', async () => {
    const { roleId, secretId } = fake.vault.addAppRole('bake', { tokenTtl: 600 });
    fake.vault.addDatabaseRole('short', 2);
    const session = openVaultSession(env({ VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId, VAULT_NAMESPACE: 'team' }), say);
    const values = await session.prefetch([raw('database/creds/short', 'username'), raw('database/creds/short', 'password')]);
    const [lease] = fake.snapshot().leases.filter((entry) => entry.id.startsWith('database/creds/short/'));
    expect(values.read(raw('database/creds/short', 'username'))).toMatch(/^v-approle-short-/);
    expect(values.secrets()).toEqual(expect.arrayContaining([secretId, values.read(raw('database/creds/short', 'password'))]));
    // Renewed at two thirds of its two seconds, so it is still live when revoked after three.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await session.close();
    expect(posts()).toEqual(['/v1/auth/approle/login', '/v1/sys/leases/renew', '/v1/sys/leases/renew', '/v1/sys/leases/revoke', '/v1/auth/token/revoke-self']);
    expect(fake.snapshot().leases.find((entry) => entry.id === lease.id)).toMatchObject({ revoked: true, revokedBy: 'revoke' });
    const login = fake.requests().find((r) => r.url === '/v1/auth/approle/login')!;
    const revoke = fake.requests().find((r) => r.url === '/v1/auth/token/revoke-self')!;
    expect(revoke.tokenAccessor).toBe(JSON.parse(login.responseBody).auth.accessor);
    expect(new Set(fake.requests().map((r) => r.namespace))).toEqual(new Set(['team']));
    expect(said).toEqual([`vault: revoked lease ${lease.id}, the token of the AppRole login at auth/approle`]);
  });

  it('logs in with a CI job\'s JWT from a file, and revokes the token', async () => {
    const key = jwtSigningKey();
    fake.vault.configureJwt({ jwt_validation_pubkeys: [key.publicKeyPem], bound_issuer: 'https://gitlab.example' });
    fake.vault.addJwtRole('images', { bound_audiences: ['https://vault.example'], bound_claims: { project_path: 'platform/images' } });
    const file = join(dir, 'id_token');
    writeFileSync(file, `${mintJwt(key.privateKey, { iss: 'https://gitlab.example', aud: 'https://vault.example', sub: 'job-42', project_path: 'platform/images' })}\n`);
    const session = openVaultSession(env({ VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'images', VAULT_JWT_FILE: file }), say);
    expect((await session.prefetch([kv('app', 'deploy_token')])).read(kv('app', 'deploy_token'))).toBe('tok-v2');
    await session.close();
    expect(posts()).toEqual(['/v1/auth/jwt/login', '/v1/auth/token/revoke-self']);

    writeFileSync(file, mintJwt(key.privateKey, { iss: 'https://gitlab.example', aud: 'https://vault.example', sub: 'job-42', project_path: 'someone/else' }));
    const refused = openVaultSession(env({ VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'images', VAULT_JWT_FILE: file }), say);
    await expect(refused.prefetch([kv('app', 'deploy_token')])).rejects.toThrow(
      'vault: cannot read secret/app#deploy_token: JWT login failed: POST /v1/auth/jwt/login answered HTTP 400: error validating claims: claim "project_path" does not match any associated bound claim values',
    );
  });

  it('names the path and the HTTP status when Vault denies, is sealed, has nothing, or is down; never the token', async () => {
    const token = fake.vault.createToken({ policies: ['app_only'], ttlSeconds: 600 }).id;
    const failure = async (references: VaultReference[], extra: NodeJS.ProcessEnv = {}) => {
      const session = openVaultSession(env({ VAULT_TOKEN: token, ...extra }), say);
      const error = await session.prefetch(references).then(
        () => new Error('no error'),
        (thrown: Error) => thrown,
      );
      await session.close();
      expect(error.message).not.toContain(token);
      return error.message;
    };
    expect(await failure([raw('secret/data/other', 'k')])).toBe('vault: cannot read secret/data/other#k: GET /v1/secret/data/other answered HTTP 403: permission denied');
    expect(await failure([raw('secret/data/app', 'nope')])).toBe("vault: secret/data/app has no key 'nope' (its keys: deploy_token, other)");
    expect(await failure([raw('kv/missing', 'k')], { VAULT_TOKEN: root })).toBe('vault: cannot read kv/missing#k: GET /v1/kv/missing answered HTTP 404: nothing at this path');
    fake.vault.sealed = true;
    try {
      expect(await failure([kv('app', 'k')], { VAULT_TOKEN: root })).toBe('vault: cannot read secret/app#k: GET /v1/auth/token/lookup-self answered HTTP 503: Vault is sealed');
    } finally {
      fake.vault.sealed = false;
    }
    const port = await freePort();
    expect(await failure([kv('app', 'k')], { VAULT_ADDR: `http://127.0.0.1:${port}` })).toMatch(
      new RegExp(`^vault: cannot read secret/app#k: GET http://127.0.0.1:${port}/v1/auth/token/lookup-self failed: connect ECONNREFUSED .*is VAULT_ADDR right, and Vault up\\?\\)$`),
    );
  });

  it('says a given token is not valid when it has expired, before reading anything', async () => {
    const token = fake.vault.createToken({ policies: ['bake'], ttlSeconds: 1 }).id;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const session = openVaultSession(env({ VAULT_TOKEN: token }), say);
    await expect(session.prefetch([kv('app', 'deploy_token')])).rejects.toThrow(
      'vault: cannot read secret/app#deploy_token: the Vault token from VAULT_TOKEN is not valid (expired or revoked?): GET /v1/auth/token/lookup-self answered HTTP 403: permission denied',
    );
    expect(gets()).toEqual(['/v1/auth/token/lookup-self 403']);
  });

  it('speaks TLS: trusts the CA of VAULT_CACERT, refuses an unknown certificate at once, and skips the check with VAULT_SKIP_VERIFY', async () => {
    // Vault over TLS: a certificate for 127.0.0.1 (openssl), in front of the fake as `vault server -dev-tls` would be.
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    expect([made.status, made.stderr.includes('error')]).toEqual([0, false]);
    const proxy = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => {
      const upstream = connect(fake.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = `https://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const read = async (extra: NodeJS.ProcessEnv) => {
        const session = openVaultSession(env({ VAULT_ADDR: address, VAULT_TOKEN: root, ...extra }), say);
        return session.prefetch([kv('app', 'deploy_token')]).then((values) => values.read(kv('app', 'deploy_token')));
      };
      expect(await read({ VAULT_CACERT: join(dir, 'cert.pem') })).toBe('tok-v2');
      expect(await read({ VAULT_SKIP_VERIFY: 'true' })).toBe('tok-v2');
      fake.clearRequests();
      const started = Date.now();
      await expect(read({})).rejects.toThrow(new RegExp(`GET ${address}/v1/auth/token/lookup-self failed: self-signed certificate \\(is Vault's CA in VAULT_CACERT\\?\\)`));
      expect([fake.requests(), Date.now() - started < 1000]).toEqual([[], true]);
    } finally {
      proxy.close();
    }
  });

  it('reads its settings from the environment with Vault\'s names, and says which one is missing or wrong', () => {
    const open = (vars: NodeJS.ProcessEnv) => () => openVaultSession({ HOME: dir, ...vars }, say);
    expect(open({})).toThrow('vault: VAULT_ADDR is not set: the pipeline reads secrets from Vault');
    expect(open({ VAULT_ADDR: 'vault:8200' })).toThrow(/VAULT_ADDR must be an http:\/\/ or https:\/\/ URL/);
    expect(open({ VAULT_ADDR: fake.url })).toThrow(/VAULT_TOKEN is not set \(nor ~\/\.vault-token\)/);
    writeFileSync(join(dir, '.vault-token'), 'from-vault-login');
    try {
      expect(open({ VAULT_ADDR: fake.url })).not.toThrow();
    } finally {
      rmSync(join(dir, '.vault-token'));
    }
    expect(open({ VAULT_ADDR: fake.url, VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'r' })).toThrow(/VAULT_JWT_FILE \(or VAULT_JWT\) is not set/);
    expect(open({ VAULT_ADDR: fake.url, VAULT_AUTH_METHOD: 'jwt' })).toThrow(/VAULT_AUTH_ROLE is not set/);
    expect(open({ VAULT_ADDR: fake.url, VAULT_AUTH_METHOD: 'ldap' })).toThrow(/VAULT_AUTH_METHOD must be token, approle or jwt/);
    expect(open({ VAULT_ADDR: fake.url, VAULT_TOKEN: 't', VAULT_SKIP_VERIFY: 'yes' })).toThrow(/VAULT_SKIP_VERIFY must be true or false/);
    expect(open({ VAULT_ADDR: fake.url, VAULT_TOKEN: 't', VAULT_CACERT: join(dir, 'none.pem') })).toThrow(/VAULT_CACERT: cannot read the CA certificate .*ENOENT/);
  });
});
