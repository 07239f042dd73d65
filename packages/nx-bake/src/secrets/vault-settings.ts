/**
 * How to reach Vault and log in, from the environment, with Vault's own names where Vault has them:
 *
 * - `VAULT_ADDR` (required), `VAULT_NAMESPACE`, `VAULT_CACERT` (a PEM file), `VAULT_SKIP_VERIFY`.
 * - `VAULT_AUTH_METHOD`: `token` (default), `approle` (default when `VAULT_ROLE_ID` is set) or `jwt`;
 *   `VAULT_AUTH_PATH`: where the auth method is mounted (default `approle` / `jwt`, GitLab's name for it).
 * - token: `VAULT_TOKEN`, else `~/.vault-token` (where `vault login` leaves it). Never revoked by a bake.
 * - approle: `VAULT_ROLE_ID` and `VAULT_SECRET_ID`.
 * - jwt: `VAULT_AUTH_ROLE` and the token in `VAULT_JWT_FILE` (a CI job's OIDC token written to a file) or `VAULT_JWT`.
 *
 * A token obtained by a login is revoked when the bake ends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type VaultAuth =
  | { method: 'token'; token: string; source: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string }
  | { method: 'jwt'; mount: string; role: string; jwt: string; source: string };

export interface VaultSettings {
  /** `https://vault.example:8200`, without a trailing slash. */
  address: string;
  namespace?: string;
  /** The CA certificates of VAULT_CACERT, and whether the server's certificate is checked at all. */
  tls: { ca?: Buffer; rejectUnauthorized: boolean };
  auth: VaultAuth;
}

/** The strings that must never be shown: tokens, secret IDs, JWTs. */
export function credentialsOf(auth: VaultAuth): string[] {
  if (auth.method === 'token') return [auth.token];
  if (auth.method === 'approle') return [auth.secretId, auth.roleId];
  return [auth.jwt];
}

/** Go's strconv.ParseBool, as Vault reads VAULT_SKIP_VERIFY. */
function parseBool(name: string, text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(text)) return false;
  throw new Error(`${name} must be true or false, got '${text}'`);
}

function readFile(name: string, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: ${why}`);
  return value;
}

function auth(env: NodeJS.ProcessEnv): VaultAuth {
  const method = env.VAULT_AUTH_METHOD?.trim() || (env.VAULT_ROLE_ID ? 'approle' : 'token');
  if (method === 'approle') {
    return {
      method,
      mount: env.VAULT_AUTH_PATH?.trim() || 'approle',
      roleId: required(env, 'VAULT_ROLE_ID', 'AppRole login needs the role ID (and VAULT_SECRET_ID)'),
      secretId: env.VAULT_SECRET_ID ?? '',
    };
  }
  if (method === 'jwt') {
    const role = required(env, 'VAULT_AUTH_ROLE', 'JWT login needs the role to log in against');
    const file = env.VAULT_JWT_FILE?.trim();
    const jwt = file ? readFile('VAULT_JWT_FILE', file, 'the JWT file').trim() : env.VAULT_JWT?.trim();
    if (!jwt) throw new Error('VAULT_JWT_FILE (or VAULT_JWT) is not set: JWT login needs the token, e.g. a CI job\'s OIDC token');
    return { method, mount: env.VAULT_AUTH_PATH?.trim() || 'jwt', role, jwt, source: file ? `VAULT_JWT_FILE ${file}` : 'VAULT_JWT' };
  }
  if (method !== 'token') throw new Error(`VAULT_AUTH_METHOD must be token, approle or jwt, got '${method}'`);
  if (env.VAULT_TOKEN?.trim()) return { method, token: env.VAULT_TOKEN.trim(), source: 'VAULT_TOKEN' };
  const helper = env.HOME ? join(env.HOME, '.vault-token') : undefined;
  let saved: string | undefined;
  try {
    saved = helper ? readFileSync(helper, 'utf8').trim() : undefined;
  } catch {
    // no `vault login` on this machine
  }
  if (!saved) throw new Error('VAULT_TOKEN is not set (nor ~/.vault-token): give a token, or log in with VAULT_ROLE_ID/VAULT_SECRET_ID or VAULT_AUTH_METHOD=jwt');
  return { method, token: saved, source: '~/.vault-token' };
}

export function vaultSettings(env: NodeJS.ProcessEnv): VaultSettings {
  const address = required(env, 'VAULT_ADDR', 'the pipeline reads secrets from Vault').replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`VAULT_ADDR must be a URL such as https://vault.example:8200, got '${address}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`VAULT_ADDR must be an http:// or https:// URL, got '${address}'`);
  const caFile = env.VAULT_CACERT?.trim();
  return {
    address,
    namespace: env.VAULT_NAMESPACE?.trim() || undefined,
    tls: {
      ca: caFile ? Buffer.from(readFile('VAULT_CACERT', caFile, 'the CA certificate')) : undefined,
      rejectUnauthorized: !parseBool('VAULT_SKIP_VERIFY', env.VAULT_SKIP_VERIFY?.trim() ?? ''),
    },
    auth: auth(env),
  };
}
