import { randomBytes } from 'node:crypto';

export interface Lease {
  id: string;
  /** Accessor of the token that read the secret: revoking that token revokes the lease too. */
  tokenAccessor: string;
  duration: number;
  expiresAt: number;
  renewable: boolean;
  revoked: boolean;
  /** How it ended: `revoke` (sys/leases/revoke) or `token` (its token was revoked). */
  revokedBy?: 'revoke' | 'token';
}

export class LeaseStore {
  private readonly byId = new Map<string, Lease>();

  constructor(private readonly now: () => number = Date.now) {}

  create(prefix: string, tokenAccessor: string, durationSeconds: number): Lease {
    const lease: Lease = {
      id: `${prefix}/${randomBytes(12).toString('base64url')}`,
      tokenAccessor,
      duration: durationSeconds,
      expiresAt: this.now() + durationSeconds * 1000,
      renewable: true,
      revoked: false,
    };
    this.byId.set(lease.id, lease);
    return lease;
  }

  live(id: string): Lease | undefined {
    const lease = this.byId.get(id);
    return lease && !lease.revoked && lease.expiresAt > this.now() ? lease : undefined;
  }

  renew(lease: Lease, incrementSeconds?: number): void {
    lease.expiresAt = this.now() + (incrementSeconds ?? lease.duration) * 1000;
  }

  revoke(lease: Lease, by: 'revoke' | 'token'): void {
    lease.revoked = true;
    lease.revokedBy = by;
  }

  /** A revoked token's leases go with it, as in Vault. */
  revokeOfToken(accessor: string): void {
    for (const lease of this.byId.values()) if (lease.tokenAccessor === accessor && !lease.revoked) this.revoke(lease, 'token');
  }

  all(): Lease[] {
    return [...this.byId.values()];
  }
}
