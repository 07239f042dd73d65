import { ADDITIONS } from './envelope';
import { resolveVaultSpecPath, VaultContract } from './vault-contract';

const contract = VaultContract.load();
const json = { 'content-type': 'application/json' };

describe('VaultContract', () => {
  it('indexes every operation of the subset, envelope included, and compiles all their schemas', () => {
    expect(contract.operations.map((op) => op.operationId).sort()).toEqual(
      expect.arrayContaining(['app-role-login', 'jwt-login', 'kv-v1-read', 'kv-v2-read', 'kv-v2-read-configuration', 'leases-revoke-lease', 'token-revoke-self', 'database-generate-credentials']),
    );
    expect(() => contract.contract.compileAll()).not.toThrow();
    for (const id of Object.keys(ADDITIONS)) expect(contract.operations.some((op) => op.operationId === id)).toBe(true);
  });

  it('takes the route the fake chose, and refuses one whose template does not give the path', () => {
    const login = contract.operation('jwt-login', { jwt_mount_path: 'ci' }, '/auth/ci/login');
    expect(login.operation.method).toBe('POST');
    expect(() => contract.operation('jwt-login', { jwt_mount_path: 'ci' }, '/auth/other/login')).toThrow(/is not/);
    expect(contract.operation('kv-v2-read', { kv_v2_mount_path: 'secret', path: 'team/app' }, '/secret/data/team/app').pathParams.path).toBe('team/app');
  });

  it('checks a login answer against the documented envelope: auth.client_token is required', () => {
    const { operation } = contract.operation('app-role-login', { approle_mount_path: 'approle' }, '/auth/approle/login');
    const base = { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null };
    const auth = { client_token: 'hvs.x', accessor: 'a', policies: ['default'], lease_duration: 60, renewable: true };
    expect(contract.contract.checkResponse(operation, { status: 200, headers: json, rawBody: JSON.stringify({ ...base, auth }) })).toEqual([]);
    expect(contract.contract.checkResponse(operation, { status: 200, headers: json, rawBody: JSON.stringify({ ...base, auth: null }) }).join('\n')).toMatch(/auth/);
    const { client_token: _token, ...noToken } = auth;
    expect(contract.contract.checkResponse(operation, { status: 200, headers: json, rawBody: JSON.stringify({ ...base, auth: noToken }) }).join('\n')).toMatch(/client_token/);
    expect(contract.contract.checkResponse(operation, { status: 200, headers: json, rawBody: JSON.stringify({ ...base, auth, extra: 1 }) }).join('\n')).toMatch(/additional/);
  });

  it('wraps the KV v2 schema as the envelope data, and requires a lease on database credentials', () => {
    const read = contract.operation('kv-v2-read', { kv_v2_mount_path: 'secret', path: 'app' }, '/secret/data/app').operation;
    const envelope = { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0 };
    expect(contract.contract.checkResponse(read, { status: 200, headers: json, rawBody: JSON.stringify({ ...envelope, data: { data: { k: 'v' }, metadata: { version: 1 } } }) })).toEqual([]);
    expect(contract.contract.checkResponse(read, { status: 200, headers: json, rawBody: JSON.stringify({ ...envelope, data: { data: 'flat' } }) }).join('\n')).toMatch(/data\/data/);
    const creds = contract.operation('database-generate-credentials', { database_mount_path: 'database', name: 'app' }, '/database/creds/app').operation;
    const secret = { data: { username: 'u', password: 'p' }, renewable: true, lease_duration: 60 };
    expect(contract.contract.checkResponse(creds, { status: 200, headers: json, rawBody: JSON.stringify({ ...envelope, ...secret, lease_id: 'database/creds/app/1' }) })).toEqual([]);
    expect(contract.contract.checkResponse(creds, { status: 200, headers: json, rawBody: JSON.stringify({ ...envelope, ...secret }) }).join('\n')).toMatch(/lease_id/);
  });

  it('accepts Vault errors on every operation, in their documented shape only', () => {
    const read = contract.operation('kv-v1-read', { kv_v1_mount_path: 'kv', path: 'app' }, '/kv/app').operation;
    expect(contract.contract.checkResponse(read, { status: 403, headers: json, rawBody: '{"errors":["permission denied"]}' })).toEqual([]);
    expect(contract.contract.checkResponse(read, { status: 503, headers: json, rawBody: '{"error":"sealed"}' }).length).toBeGreaterThan(0);
  });

  it("checks Vault's own formats: Go durations in requests", () => {
    const renew = contract.operation('leases-renew-lease', {}, '/sys/leases/renew');
    const facts = (body: unknown) => ({ query: new URLSearchParams(), headers: json, rawBody: JSON.stringify(body) });
    expect(contract.contract.checkRequest(renew, facts({ lease_id: 'x', increment: '1h30m' }))).toEqual([]);
    expect(contract.contract.checkRequest(renew, facts({ lease_id: 'x', increment: 'P1D' })).join('\n')).toMatch(/format/);
  });

  it('finds the document through NX_BAKE_VAULT_SPEC, or shared/specs above the package', () => {
    expect(resolveVaultSpecPath(__dirname, { NX_BAKE_VAULT_SPEC: '/etc/hostname' })).toBe('/etc/hostname');
    expect(() => resolveVaultSpecPath('/', {})).toThrow(/NX_BAKE_VAULT_SPEC/);
    expect(resolveVaultSpecPath(__dirname, {})).toMatch(/shared\/specs\/vault-subset\.openapi\.json$/);
  });
});
