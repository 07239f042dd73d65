import { generateKeyPairSync, sign } from 'node:crypto';
import { startFakeVault, type FakeVault } from '../src';
import { jwtSigningKey, mintJwt } from '../src/testing/mint-jwt';

/** The fake over real HTTP, as a Vault client sees it: each answer, and no departure from the contract. */
describe('fake Vault', () => {
  let fake: FakeVault;
  const root = 'root-token-for-tests';
  beforeAll(async () => {
    fake = await startFakeVault({ rootToken: root });
  });
  afterAll(() => fake.stop());
  afterEach(() => {
    expect(fake.violations()).toEqual([]);
  });

  async function call(method: string, path: string, options: { token?: string; body?: unknown; namespace?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token) headers['x-vault-token'] = options.token;
    if (options.namespace) headers['x-vault-namespace'] = options.namespace;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fake.url}/v1/${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  }

  it('stores and reads KV v2 (data, metadata, config) and KV v1 secrets', async () => {
    expect((await call('POST', 'secret/data/team/app', { token: root, body: { data: { deploy_token: 'v1' } } })).body?.data.version).toBe(1);
    await call('POST', 'secret/data/team/app', { token: root, body: { data: { deploy_token: 'v2' } } });
    const read = await call('GET', 'secret/data/team/app', { token: root });
    expect(read).toMatchObject({ status: 200, body: { data: { data: { deploy_token: 'v2' }, metadata: { version: 2 } }, lease_id: '' } });
    expect((await call('GET', 'secret/metadata/team/app', { token: root })).body?.data.current_version).toBe(2);
    expect((await call('GET', 'secret/config', { token: root })).body?.data).toEqual({ cas_required: false, delete_version_after: '0s', max_versions: 0 });
    expect(await call('GET', 'secret/data/nothing', { token: root })).toEqual({ status: 404, body: { errors: [] } });

    expect((await call('POST', 'kv/app', { token: root, body: { password: 'p' } })).status).toBe(204);
    expect((await call('GET', 'kv/app', { token: root })).body).toMatchObject({ data: { password: 'p' }, lease_duration: 2764800 });
    // A KV v1 mount has no config endpoint: `kv/config` is a secret that is not there.
    expect((await call('GET', 'kv/config', { token: root })).status).toBe(404);
  });

  it('logs in with AppRole; the token reads what its policy allows, nothing else, and revokes itself', async () => {
    const { roleId, secretId } = fake.vault.addAppRole('ci', { policies: ['bake'], tokenTtl: 600 });
    expect((await call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: 'wrong' } })).status).toBe(400);
    const login = await call('POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
    expect(login.body?.auth).toMatchObject({ policies: ['default', 'bake'], lease_duration: 600, renewable: true });
    const token = login.body!.auth.client_token as string;
    fake.vault.putSecret('secret', 'app', { k: 'v' });
    expect((await call('GET', 'secret/data/app', { token })).status).toBe(200);
    expect(await call('GET', 'auth/token/lookup-self', { token })).toMatchObject({ status: 200, body: { data: { ttl: 600, policies: ['default', 'bake'] } } });
    expect(await call('POST', 'secret/data/app', { token, body: { data: {} } })).toEqual({ status: 403, body: { errors: ['permission denied'] } });
    expect((await call('GET', 'secret/data/app')).status).toBe(403);
    expect((await call('POST', 'auth/token/revoke-self', { token })).status).toBe(204);
    expect((await call('GET', 'secret/data/app', { token })).status).toBe(403);
  });

  it('logs in with a JWT only when it is signed by a configured key and its claims fit the role', async () => {
    const key = jwtSigningKey();
    const other = jwtSigningKey();
    fake.vault.configureJwt({ jwt_validation_pubkeys: [key.publicKeyPem], bound_issuer: 'https://ci.example' });
    fake.vault.addJwtRole('bake', { bound_audiences: ['vault'], bound_claims: { project: 'images' } });
    const claims = { iss: 'https://ci.example', aud: 'vault', sub: 'job-1', project: 'images' };
    const login = (jwt: string) => call('POST', 'auth/jwt/login', { body: { role: 'bake', jwt } });
    const ok = await login(mintJwt(key.privateKey, claims));
    expect(ok.status).toBe(200);
    expect(ok.body?.auth.metadata).toEqual({ role: 'bake', user: 'job-1' });
    const refused = async (jwt: string) => (await login(jwt)).body?.errors.join(' ');
    expect(await refused(mintJwt(other.privateKey, claims))).toMatch(/signature/);
    const token = mintJwt(key.privateKey, claims);
    expect(await refused(`${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from('forged').toString('base64url')}`)).toMatch(/signature/);
    expect(await refused(mintJwt(key.privateKey, { ...claims, exp: Math.floor(Date.now() / 1000) - 600 }))).toMatch(/expired/);
    expect(await refused(mintJwt(key.privateKey, { ...claims, aud: 'other' }))).toMatch(/audience/);
    expect(await refused(mintJwt(key.privateKey, { ...claims, iss: 'https://evil.example' }))).toMatch(/issuer/);
    expect(await refused(mintJwt(key.privateKey, { ...claims, project: 'else' }))).toMatch(/bound claim/);
    expect((await call('POST', 'auth/jwt/login', { body: { role: 'nope', jwt: token } })).status).toBe(400);

    // ES256, as some CI providers sign: the signature in JOSE's raw r||s form.
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fake.vault.configureJwt({ jwt_validation_pubkeys: [key.publicKeyPem, ec.publicKey.export({ type: 'spki', format: 'pem' }).toString()], bound_issuer: 'https://ci.example' });
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'ES256', typ: 'JWT' })}.${part({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 })}`;
    const es256 = `${unsigned}.${sign('sha256', Buffer.from(unsigned), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    expect((await login(es256)).status).toBe(200);
    expect(await refused(`${part({ alg: 'none' })}.${part(claims)}.`)).toMatch(/unsupported signing algorithm none/);
  });

  it('issues database credentials with a lease; revoking the lease, or the token, ends it', async () => {
    const token = fake.vault.createToken({ policies: ['bake'], ttlSeconds: 600 }).id;
    const creds = await call('GET', 'database/creds/app', { token });
    expect(creds.body).toMatchObject({ renewable: true, lease_duration: 3600, data: { username: expect.stringMatching(/^v-create-app-/) } });
    const leaseId = creds.body!.lease_id as string;
    expect((await call('POST', 'sys/leases/renew', { token, body: { lease_id: leaseId, increment: '60' } })).body?.lease_duration).toBe(3600);
    expect((await call('POST', 'sys/leases/revoke', { token, body: { lease_id: leaseId } })).status).toBe(204);
    expect(fake.snapshot().leases.find((lease) => lease.id === leaseId)).toMatchObject({ revoked: true, revokedBy: 'revoke' });
    const second = (await call('GET', 'database/creds/app', { token })).body!.lease_id as string;
    await call('POST', 'auth/token/revoke-self', { token });
    expect(fake.snapshot().leases.find((lease) => lease.id === second)).toMatchObject({ revoked: true, revokedBy: 'token' });
  });

  it('refuses an expired token as Vault does (403), and answers 503 to everything but health when sealed', async () => {
    const token = fake.vault.createToken({ policies: ['bake'], ttlSeconds: 1 }).id;
    expect((await call('GET', 'auth/token/lookup-self', { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await call('GET', 'auth/token/lookup-self', { token })).toEqual({ status: 403, body: { errors: ['permission denied'] } });
    fake.vault.sealed = true;
    try {
      expect(await call('GET', 'secret/data/app', { token: root })).toEqual({ status: 503, body: { errors: ['Vault is sealed'] } });
      expect(await call('GET', 'sys/health')).toMatchObject({ status: 503, body: { sealed: true } });
    } finally {
      fake.vault.sealed = false;
    }
    expect((await call('GET', 'sys/health')).body).toMatchObject({ initialized: true, sealed: false });
  });

  it('logs every exchange with the token as its accessor, and records requests the contract does not describe', async () => {
    fake.clearRequests();
    await call('GET', 'secret/data/app', { token: root });
    const [entry] = fake.requests();
    expect(entry).toMatchObject({ method: 'GET', url: '/v1/secret/data/app', operationId: 'kv-v2-read', status: 200, tokenAccessor: expect.any(String) });
    expect(JSON.stringify(fake.requests())).not.toContain(root);
    expect(fake.tokenOf(entry.tokenAccessor!)?.id).toBe(root);

    expect((await call('GET', 'nowhere/at/all', { token: root })).status).toBe(404);
    await call('POST', 'sys/leases/renew', { token: root, body: { lease_id: 'x', increment: 'P1D' } });
    const violations = fake.violations();
    expect(violations.map((v) => [v.url, v.problems.join(' ')])).toEqual([
      ['/v1/nowhere/at/all', expect.stringMatching(/no operation/)],
      ['/v1/sys/leases/renew', expect.stringMatching(/increment.*format/)],
    ]);
    fake.clearViolations();
  });
});

describe('fake Vault with a namespace', () => {
  it('answers only requests in its namespace', async () => {
    const fake = await startFakeVault({ rootToken: 'r00t', namespace: 'ci' });
    try {
      const read = (namespace?: string) =>
        fetch(`${fake.url}/v1/secret/config`, { headers: { 'x-vault-token': 'r00t', ...(namespace ? { 'x-vault-namespace': namespace } : {}) } }).then((res) => res.status);
      expect([await read('ci'), await read('ci/'), await read(), await read('other')]).toEqual([200, 200, 404, 404]);
      expect(fake.requests().map((r) => r.namespace)).toEqual(['ci', 'ci/', undefined, 'other']);
      expect(fake.violations()).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});
