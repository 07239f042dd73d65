import type { Lease } from './leases';
import { requestId, type TokenEntry } from './tokens';

/** What a handler answers: a status and, unless 204, Vault's response envelope (or another body). */
export interface VaultAnswer {
  status: number;
  body?: unknown;
}

/** Vault's response envelope around `data`, an issued token (`auth`) or a lease. */
export function envelope(members: { data?: unknown; auth?: Record<string, unknown>; lease?: Pick<Lease, 'id' | 'duration' | 'renewable'>; mountType?: string; warnings?: string[] }): VaultAnswer {
  return {
    status: 200,
    body: {
      request_id: requestId(),
      lease_id: members.lease?.id ?? '',
      renewable: members.lease?.renewable ?? false,
      lease_duration: members.lease?.duration ?? 0,
      data: members.data ?? null,
      wrap_info: null,
      warnings: members.warnings ?? null,
      auth: members.auth ?? null,
      mount_type: members.mountType ?? '',
    },
  };
}

export const noContent = (): VaultAnswer => ({ status: 204 });

/** The `auth` block of a login or a renewal. */
export function authBlock(token: TokenEntry, remainingSeconds: number): Record<string, unknown> {
  return {
    client_token: token.id,
    accessor: token.accessor,
    policies: token.policies,
    token_policies: token.policies,
    metadata: token.meta,
    lease_duration: remainingSeconds,
    renewable: token.renewable,
    entity_id: '',
    token_type: 'service',
    orphan: true,
    num_uses: 0,
  };
}
