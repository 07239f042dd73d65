/** Logins (AppRole, JWT) and a token's operations on itself (lookup, renew, revoke). */
import { authBlock, envelope, noContent } from './answer';
import { badRequest } from './errors';
import { checkRole, verifyJwt } from './jwt';
import type { Handler } from './request';
import type { TokenEntry } from './tokens';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function issued(state: Parameters<Handler>[0], token: TokenEntry, mountType: string) {
  return envelope({ auth: authBlock(token, state.tokens.remaining(token)), mountType });
}

export const appRoleLogin: Handler = (state, { pathParams, body }) => {
  const mountPath = pathParams.approle_mount_path;
  const mount = state.auth.get(mountPath);
  if (mount?.type !== 'approle') throw badRequest('invalid role or secret ID');
  const entry = [...mount.roles.entries()].find(([, role]) => role.roleId === text(body.role_id));
  if (!entry) throw badRequest('invalid role or secret ID');
  const [name, role] = entry;
  if (!role.secretIds.has(text(body.secret_id))) throw badRequest('invalid role or secret ID');
  const token = state.tokens.create({ policies: role.policies, ttlSeconds: role.tokenTtl, origin: `approle:${mountPath}`, meta: { role_name: name } });
  return issued(state, token, 'approle');
};

export const jwtLogin: Handler = (state, { pathParams, body }) => {
  const mountPath = pathParams.jwt_mount_path;
  const mount = state.auth.get(mountPath);
  if (mount?.type !== 'jwt') throw badRequest('invalid mount');
  const name = text(body.role);
  const role = mount.roles.get(name);
  if (!role) throw badRequest(`role "${name}" could not be found`);
  if (!text(body.jwt)) throw badRequest('missing token');
  const claims = verifyJwt(text(body.jwt), mount.config, state.now());
  const user = checkRole(role, claims);
  const token = state.tokens.create({ policies: role.policies, ttlSeconds: role.token_ttl, origin: `jwt:${mountPath}`, meta: { role: name, user } });
  return issued(state, token, 'jwt');
};

export const lookupSelf: Handler = (state, { token }) => {
  const self = token!;
  return envelope({
    data: {
      accessor: self.accessor,
      creation_time: Math.floor(self.issuedAt / 1000),
      creation_ttl: self.ttl,
      display_name: self.origin.split(':')[0],
      expire_time: self.expiresAt === undefined ? null : new Date(self.expiresAt).toISOString(),
      explicit_max_ttl: 0,
      // Vault shows the token's own id to its holder; the fake's request log keeps response bodies of this call out of secret searches.
      id: self.id,
      issue_time: new Date(self.issuedAt).toISOString(),
      meta: self.meta,
      num_uses: 0,
      orphan: true,
      path: self.origin === 'root' ? 'auth/token/root' : `auth/${self.origin.split(':')[1] ?? 'token'}/login`,
      policies: self.policies,
      renewable: self.renewable,
      ttl: state.tokens.remaining(self),
      type: 'service',
    },
    mountType: 'token',
  });
};

export const renewSelf: Handler = (state, { token, body }) => {
  const self = token!;
  if (!self.renewable) throw badRequest('invalid lease ID');
  const increment = typeof body.increment === 'string' ? Number.parseInt(body.increment, 10) : typeof body.increment === 'number' ? body.increment : undefined;
  state.tokens.renew(self, increment || undefined);
  return issued(state, self, 'token');
};

export const revokeSelf: Handler = (state, { token }) => {
  state.tokens.revoke(token!);
  state.leases.revokeOfToken(token!.accessor);
  return noContent();
};
