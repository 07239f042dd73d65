/** sys/health, leases (renew, revoke), and the database engine whose credentials carry them. */
import { envelope, noContent, type VaultAnswer } from './answer';
import { badRequest, notFound } from './errors';
import type { Handler } from './request';
import { randomPassword, type VaultState } from './vault';

/** sys/health: 200 when unsealed, 503 sealed (Vault's status codes; the body says the same). */
export function health(state: VaultState): VaultAnswer {
  return {
    status: state.sealed ? 503 : 200,
    body: {
      initialized: true,
      sealed: state.sealed,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(state.now() / 1000),
      version: '1.17.0+fake',
      cluster_name: 'fake-vault',
      cluster_id: state.clusterId,
    },
  };
}

export const readHealth: Handler = (state) => health(state);

const leaseOf = (state: VaultState, body: Record<string, unknown>) => {
  const id = typeof body.lease_id === 'string' ? body.lease_id : '';
  if (!id) throw badRequest('lease_id must be specified');
  return { id, lease: state.leases.live(id) };
};

export const renewLease: Handler = (state, { body }) => {
  const { lease } = leaseOf(state, body);
  if (!lease) throw badRequest('lease not found');
  const increment = typeof body.increment === 'string' ? Number.parseInt(body.increment, 10) : undefined;
  state.leases.renew(lease, increment || undefined);
  return envelope({ lease });
};

/** Revoking a lease that is gone (expired, revoked with its token) is not an error in Vault either. */
export const revokeLease: Handler = (state, { body }) => {
  const { lease } = leaseOf(state, body);
  if (lease) state.leases.revoke(lease, 'revoke');
  return noContent();
};

export const databaseCredentials: Handler = (state, { pathParams, token }) => {
  const mount = state.mounts.get(pathParams.database_mount_path);
  const role = mount?.type === 'database' ? mount.roles.get(pathParams.name) : undefined;
  if (!role) throw notFound();
  const lease = state.leases.create(`${pathParams.database_mount_path}/creds/${pathParams.name}`, token!.accessor, role.ttl);
  const username = `v-${token!.origin.split(':')[0]}-${pathParams.name}-${lease.id.slice(-8)}`;
  return envelope({ data: { username, password: randomPassword() }, lease, mountType: 'database' });
};
