import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeVault, type FakeVault, type LoggedRequest } from '../../../fake-vault/src';
import { jwtSigningKey, mintJwt } from '../../../fake-vault/src/testing/mint-jwt';

/**
 * A fake Vault for a test file, set up as a platform team would for CI: the secrets `secret/app` (KV v2:
 * `deploy_token`) and `kv/app` (KV v1: `password`), the database role `app`, an AppRole role and a JWT role
 * (`bake`, policy `bake`) whose tokens are signed by a key the test holds. Started in beforeAll, stopped in
 * afterAll; read the fields inside tests and hooks. Values are fresh canaries each run.
 */
export interface VaultFixture {
  fake: FakeVault;
  deployToken: string;
  password: string;
  /** The environment of each way to log in (plus VAULT_ADDR). */
  tokenEnv(token?: string): NodeJS.ProcessEnv;
  appRoleEnv(): NodeJS.ProcessEnv;
  /** JWT login with a CI-job-like OIDC token written to `dir`/id_token. */
  jwtEnv(dir: string): NodeJS.ProcessEnv;
  /** `METHOD /v1/path` of each request since the last `clearRequests()`. */
  calls(): string[];
  /** The requests to one API path (`/v1/...`). */
  requestsTo(url: string): LoggedRequest[];
}

export function useVaultFixture(): VaultFixture {
  const issuer = 'https://ci.example.invalid';
  const key = jwtSigningKey();
  let appRole: { roleId: string; secretId: string };
  const fixture: Partial<VaultFixture> & Pick<VaultFixture, 'deployToken' | 'password'> = {
    deployToken: `vault-canary-${randomUUID()}`,
    password: `vault-v1-canary-${randomUUID()}`,
    tokenEnv: (token) => ({ VAULT_ADDR: fixture.fake!.url, VAULT_TOKEN: token ?? fixture.fake!.rootToken }),
    appRoleEnv: () => ({ VAULT_ADDR: fixture.fake!.url, VAULT_ROLE_ID: appRole.roleId, VAULT_SECRET_ID: appRole.secretId }),
    jwtEnv(dir) {
      const file = join(dir, 'id_token');
      writeFileSync(file, mintJwt(key.privateKey, { iss: issuer, aud: 'vault', sub: 'project:images:job:1', project: 'images' }), { mode: 0o600 });
      return { VAULT_ADDR: fixture.fake!.url, VAULT_AUTH_METHOD: 'jwt', VAULT_AUTH_ROLE: 'bake', VAULT_JWT_FILE: file };
    },
    calls: () => fixture.fake!.requests().map((request) => `${request.method} ${request.url}`),
    requestsTo: (url) => fixture.fake!.requests().filter((request) => request.url === url),
  };
  beforeAll(async () => {
    const fake = await startFakeVault({ rootToken: `root-${randomUUID()}` });
    fake.vault.putSecret('secret', 'app', { deploy_token: fixture.deployToken });
    fake.vault.putSecret('kv', 'app', { password: fixture.password });
    appRole = fake.vault.addAppRole('bake');
    fake.vault.configureJwt({ jwt_validation_pubkeys: [key.publicKeyPem], bound_issuer: issuer });
    fake.vault.addJwtRole('bake', { bound_audiences: ['vault'], bound_claims: { project: 'images' } });
    fixture.fake = fake;
  });
  afterAll(async () => {
    await fixture.fake?.stop();
  });
  // Every field is set by the time a test or a later hook reads it.
  return fixture as VaultFixture;
}
