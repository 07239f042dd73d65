import { randomBytes, randomUUID } from 'node:crypto';
import type { JwtConfig, JwtRole } from './jwt';
import { LeaseStore } from './leases';
import type { AuthMount, SecretMount } from './mounts';
import type { Policies, PolicyRule } from './policy';
import { TokenStore, type TokenEntry } from './tokens';

/** The policy the fake's dev set-up gives its AppRole and JWT roles: what a bake needs, no more. */
export const BAKE_POLICY: PolicyRule[] = [
  { path: 'secret/data/*', capabilities: ['read'] },
  { path: 'secret/metadata/*', capabilities: ['read'] },
  { path: 'secret/config', capabilities: ['read'] },
  { path: 'kv/*', capabilities: ['read'] },
  { path: 'database/creds/*', capabilities: ['read'] },
  { path: 'sys/leases/revoke', capabilities: ['update'] },
];

/**
 * The fake's state, like `vault server -dev` set up for CI: KV v2 at `secret/`, KV v1 at `kv/`, a database
 * engine at `database/` (role `app`), AppRole at `auth/approle/` and JWT at `auth/jwt/` (roles `bake`, with
 * the `bake` policy), and a root token. Tests and the CLI change it through the methods here.
 */
export class VaultState {
  readonly tokens: TokenStore;
  readonly leases: LeaseStore;
  readonly policies: Policies = { bake: BAKE_POLICY };
  readonly mounts = new Map<string, SecretMount>();
  readonly auth = new Map<string, AuthMount>();
  sealed = false;
  readonly clusterId = randomUUID();

  constructor(
    readonly rootToken: string,
    /** When set, every request must name this namespace (X-Vault-Namespace), as on Vault Enterprise/HCP. */
    readonly namespace?: string,
    readonly now: () => number = Date.now,
  ) {
    this.tokens = new TokenStore(now);
    this.leases = new LeaseStore(now);
    this.tokens.create({ id: rootToken, policies: ['root'], ttlSeconds: 0, origin: 'root' });
    this.mounts.set('secret', { type: 'kv', version: 2, secrets: new Map(), maxVersions: 0 });
    this.mounts.set('kv', { type: 'kv', version: 1, secrets: new Map() });
    this.mounts.set('database', { type: 'database', roles: new Map([['app', { ttl: 3600 }]]) });
    this.auth.set('approle', { type: 'approle', roles: new Map() });
    this.auth.set('jwt', { type: 'jwt', config: { jwt_validation_pubkeys: [] }, roles: new Map() });
  }

  /** Writes a KV secret (a new version on KV v2). */
  putSecret(mount: string, path: string, data: Record<string, unknown>): void {
    const engine = this.mounts.get(mount);
    if (!engine || engine.type !== 'kv') throw new Error(`no KV mount ${mount}`);
    if (engine.version === 1) {
      engine.secrets.set(path, structuredClone(data));
      return;
    }
    const versions = engine.secrets.get(path) ?? [];
    versions.push({ data: structuredClone(data), created_time: new Date(this.now()).toISOString(), version: versions.length + 1 });
    engine.secrets.set(path, versions);
  }

  /** A token as `vault token create -policy=… -ttl=…` makes it. */
  createToken(options: { policies: string[]; ttlSeconds: number }): TokenEntry {
    return this.tokens.create({ ...options, origin: 'create' });
  }

  /** An AppRole role with one secret ID (both generated unless given). */
  addAppRole(name: string, options: { policies?: string[]; tokenTtl?: number; roleId?: string; secretId?: string } = {}): { roleId: string; secretId: string } {
    const mount = this.authMount('approle', 'approle');
    const roleId = options.roleId ?? randomUUID();
    const secretId = options.secretId ?? randomUUID();
    mount.roles.set(name, { roleId, secretIds: new Set([secretId]), policies: options.policies ?? ['bake'], tokenTtl: options.tokenTtl ?? 3600 });
    return { roleId, secretId };
  }

  /** The JWT mount's keys and issuer, as `vault write auth/jwt/config jwt_validation_pubkeys=… bound_issuer=…`. */
  configureJwt(config: JwtConfig): void {
    this.authMount('jwt', 'jwt').config = structuredClone(config);
  }

  addJwtRole(name: string, role: Partial<JwtRole> = {}): void {
    this.authMount('jwt', 'jwt').roles.set(name, { user_claim: 'sub', policies: ['bake'], token_ttl: 3600, ...role });
  }

  /** A database role whose credentials have leases of `ttl` seconds. */
  addDatabaseRole(name: string, ttl = 3600): void {
    const mount = this.mounts.get('database');
    if (mount?.type !== 'database') throw new Error('no database mount');
    mount.roles.set(name, { ttl });
  }

  private authMount<T extends AuthMount['type']>(path: string, type: T): Extract<AuthMount, { type: T }> {
    const mount = this.auth.get(path);
    if (!mount || mount.type !== type) throw new Error(`no ${type} auth mount at auth/${path}`);
    return mount as Extract<AuthMount, { type: T }>;
  }
}

export const randomPassword = (): string => `A1a-${randomBytes(15).toString('base64url')}`;
