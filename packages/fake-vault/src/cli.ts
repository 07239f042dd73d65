#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startFakeVault } from './fake';

const USAGE = `usage: fake-vault [--port 8200] [--host 127.0.0.1] [--token T] [--namespace NS] [--strict]
                  [--role-id ID] [--secret-id ID] [--jwt-public-key key.pem]... [--jwt-issuer ISS] [--jwt-audience AUD]...
Like \`vault server -dev\` set up for CI: T (default "root") is a root token; KV v2 at secret/, KV v1 at kv/,
database/ (role app), AppRole at auth/approle/ and JWT at auth/jwt/ (roles "bake", policy "bake").
Every request and answer is checked against shared/specs/vault-subset.openapi.json (or NX_BAKE_VAULT_SPEC).`;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8200' },
      host: { type: 'string' },
      token: { type: 'string', default: 'root' },
      namespace: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'role-id': { type: 'string' },
      'secret-id': { type: 'string' },
      'jwt-public-key': { type: 'string', multiple: true, default: [] },
      'jwt-issuer': { type: 'string' },
      'jwt-audience': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a port number\n${USAGE}`);
  const { host, namespace, strict, token: rootToken } = values;
  const jwtKeys = values['jwt-public-key'].map((file) => readFileSync(file, 'utf8'));
  const audiences = values['jwt-audience'];
  const fake = await startFakeVault({
    port,
    host,
    rootToken,
    namespace,
    strict,
    onViolation: (v) => console.error(`contract violation (${v.direction}) ${v.method} ${v.url}:\n  ${v.problems.join('\n  ')}`),
  });
  const approle = fake.vault.addAppRole('bake', { roleId: values['role-id'], secretId: values['secret-id'] });
  fake.vault.configureJwt({ jwt_validation_pubkeys: jwtKeys, bound_issuer: values['jwt-issuer'] });
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
  console.error(`${error.message}${/Unknown option|argument/.test(error.message) ? `\n${USAGE}` : ''}`);
  process.exit(2);
});
