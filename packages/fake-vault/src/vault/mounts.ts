import type { JwtConfig, JwtRole } from './jwt';

export interface KvVersion {
  data: Record<string, unknown>;
  created_time: string;
  version: number;
}

export type SecretMount =
  | { type: 'kv'; version: 1; secrets: Map<string, Record<string, unknown>> }
  | { type: 'kv'; version: 2; secrets: Map<string, KvVersion[]>; maxVersions: number }
  /** Dynamic credentials: each read makes a user with a lease of `ttl` seconds. */
  | { type: 'database'; roles: Map<string, { ttl: number }> };

export interface AppRole {
  roleId: string;
  secretIds: Set<string>;
  policies: string[];
  tokenTtl: number;
}

export type AuthMount = { type: 'approle'; roles: Map<string, AppRole> } | { type: 'jwt'; config: JwtConfig; roles: Map<string, JwtRole> };
