/**
 * Vault's router, for the paths of the contract: fixed system and token paths first, then the mount
 * table (auth mounts under `auth/`, secret engines by their first segment), as Vault routes by mount and
 * not by path shape. Each route names the contract operation it is, so the request and the answer are
 * checked against that operation.
 */
import { appRoleLogin, jwtLogin, lookupSelf, renewSelf, revokeSelf } from '../vault/auth-methods';
import { kvV1Read, kvV1Write, kvV2Read, kvV2ReadConfiguration, kvV2ReadMetadata, kvV2Write } from '../vault/kv';
import type { Capability } from '../vault/policy';
import type { Handler } from '../vault/request';
import { databaseCredentials, readHealth, renewLease, revokeLease } from '../vault/sys';
import type { VaultState } from '../vault/vault';

export interface Route {
  operationId: string;
  pathParams: Record<string, string>;
  /** What the token's policies must allow on the request path; absent: an unauthenticated operation. */
  capability?: Capability;
  handle: Handler;
}

const FIXED: Record<string, Omit<Route, 'pathParams'>> = {
  'GET sys/health': { operationId: 'read-health-status', handle: readHealth },
  'POST sys/leases/renew': { operationId: 'leases-renew-lease', capability: 'update', handle: renewLease },
  'POST sys/leases/revoke': { operationId: 'leases-revoke-lease', capability: 'update', handle: revokeLease },
  'GET auth/token/lookup-self': { operationId: 'token-look-up-self', capability: 'read', handle: lookupSelf },
  'POST auth/token/lookup-self': { operationId: 'token-look-up-self2', capability: 'update', handle: lookupSelf },
  'POST auth/token/renew-self': { operationId: 'token-renew-self', capability: 'update', handle: renewSelf },
  'POST auth/token/revoke-self': { operationId: 'token-revoke-self', capability: 'update', handle: revokeSelf },
};

const write: Capability = 'update';

/** The route of `method path` (path under /v1/, no leading slash), or undefined: Vault's "no handler for route". */
export function route(state: VaultState, method: string, path: string): Route | undefined {
  const fixed = FIXED[`${method} ${path}`];
  if (fixed) return { ...fixed, pathParams: {} };
  const segments = path.split('/');
  if (segments[0] === 'auth' && segments.length === 3 && segments[2] === 'login' && method === 'POST') {
    const mount = state.auth.get(segments[1]);
    if (mount?.type === 'approle') return { operationId: 'app-role-login', pathParams: { approle_mount_path: segments[1] }, handle: appRoleLogin };
    if (mount?.type === 'jwt') return { operationId: 'jwt-login', pathParams: { jwt_mount_path: segments[1] }, handle: jwtLogin };
    return undefined;
  }
  const [name, ...rest] = segments;
  const mount = state.mounts.get(name);
  if (!mount || rest.length === 0 || rest.some((segment) => segment === '')) return undefined;
  const tail = rest.join('/');
  if (mount.type === 'kv' && mount.version === 1) {
    const pathParams = { kv_v1_mount_path: name, path: tail };
    if (method === 'GET') return { operationId: 'kv-v1-read', pathParams, capability: 'read', handle: kvV1Read };
    if (method === 'POST') return { operationId: 'kv-v1-write', pathParams, capability: write, handle: kvV1Write };
    return undefined;
  }
  if (mount.type === 'kv') {
    const [kind, ...secret] = rest;
    const pathParams = { kv_v2_mount_path: name, path: secret.join('/') };
    if (kind === 'config' && secret.length === 0 && method === 'GET') {
      return { operationId: 'kv-v2-read-configuration', pathParams: { kv_v2_mount_path: name }, capability: 'read', handle: kvV2ReadConfiguration };
    }
    if (secret.length === 0) return undefined;
    if (kind === 'data' && method === 'GET') return { operationId: 'kv-v2-read', pathParams, capability: 'read', handle: kvV2Read };
    if (kind === 'data' && method === 'POST') return { operationId: 'kv-v2-write', pathParams, capability: write, handle: kvV2Write };
    if (kind === 'metadata' && method === 'GET') return { operationId: 'kv-v2-read-metadata', pathParams, capability: 'read', handle: kvV2ReadMetadata };
    return undefined;
  }
  if (rest.length === 2 && rest[0] === 'creds' && method === 'GET') {
    return { operationId: 'database-generate-credentials', pathParams: { database_mount_path: name, name: rest[1] }, capability: 'read', handle: databaseCredentials };
  }
  return undefined;
}
