#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { startFakeVault } from './fake';

const USAGE = `usage: fake-vault [--port 8200] [--host 127.0.0.1] [--token T] [--namespace NS] [--strict]
                  [--role-id ID] [--secret-id ID] [--jwt-public-key key.pem]... [--jwt-issuer ISS] [--jwt-audience AUD]...
Like \`vault server -dev\` set up for CI: T (default "root") is a root token; KV v2 at secret/, KV v1 at kv/,
database/ (role app), AppRole at auth/approle/ and JWT at auth/jwt/ (roles "bake", policy "bake").
Every request and answer is checked against shared/specs/vault-subset.openapi.json (or NX_BAKE_VAULT_SPEC).`;

async function main(argv: string[]): Promise<void> {
  let port = 8200;
  let host: string | undefined;
  let rootToken = 'root';
  let namespace: string | undefined;
  let strict = false;
  let roleId: string | undefined;
  let secretId: string | undefined;
  const jwtKeys: string[] = [];
  const audiences: string[] = [];
  let issuer: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--port') port = Number(value());
    else if (arg === '--host') host = value();
    else if (arg === '--token') rootToken = value();
    else if (arg === '--namespace') namespace = value();
    else if (arg === '--strict') strict = true;
    else if (arg === '--role-id') roleId = value();
    else if (arg === '--secret-id') secretId = value();
    else if (arg === '--jwt-public-key') jwtKeys.push(readFileSync(value(), 'utf8'));
    else if (arg === '--jwt-issuer') issuer = value();
    else if (arg === '--jwt-audience') audiences.push(value());
    else if (arg === '--help' || arg === '-h') return void console.log(USAGE);
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const fake = await startFakeVault({
    port,
    host,
    rootToken,
    namespace,
    strict,
    onViolation: (v) => console.error(`contract violation (${v.direction}) ${v.method} ${v.url}:\n  ${v.problems.join('\n  ')}`),
  });
  const approle = fake.vault.addAppRole('bake', { roleId, secretId });
  fake.vault.configureJwt({ jwt_validation_pubkeys: jwtKeys, bound_issuer: issuer });
  fake.vault.addJwtRole('bake', { bound_audiences: audiences.length ? audiences : undefined });
  console.log(`fake Vault at ${fake.url}${namespace ? ` (namespace ${namespace})` : ''}; admin at ${fake.url}/_fake/state
  export VAULT_ADDR=${fake.url} VAULT_TOKEN=${rootToken}${namespace ? ` VAULT_NAMESPACE=${namespace}` : ''}
  AppRole (role bake):  VAULT_ROLE_ID=${approle.roleId} VAULT_SECRET_ID=${approle.secretId}
  JWT (role bake):      VAULT_AUTH_METHOD=jwt VAULT_AUTH_ROLE=bake VAULT_JWT_FILE=<token file>${jwtKeys.length ? '' : ' (give --jwt-public-key to accept tokens)'}
  write a secret:       curl -H "X-Vault-Token: ${rootToken}" -H 'Content-Type: application/json' -d '{"data":{"deploy_token":"s3cr3t"}}' ${fake.url}/v1/secret/data/app`);
  const stop = (): void => void fake.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(2);
});
