import { randomBytes, randomUUID } from 'node:crypto';

export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  /** Seconds; 0 for a root token, which never expires. */
  ttl: number;
  issuedAt: number;
  expiresAt?: number;
  renewable: boolean;
  /** How it was made: `root`, `create` (the fake's admin call), or `approle`/`jwt` login at that mount. */
  origin: string;
  meta: Record<string, string>;
  revoked: boolean;
}

/** The token store: ids are Vault-looking service tokens (`hvs.`), accessors stand for them in logs and state. */
export class TokenStore {
  private readonly byId = new Map<string, TokenEntry>();

  constructor(private readonly now: () => number = Date.now) {}

  create(options: { id?: string; policies: string[]; ttlSeconds: number; origin: string; meta?: Record<string, string>; renewable?: boolean }): TokenEntry {
    const id = options.id ?? `hvs.${randomBytes(18).toString('base64url')}`;
    if (this.byId.has(id)) throw new Error('a token with this id exists');
    const issuedAt = this.now();
    const root = options.policies.includes('root');
    const entry: TokenEntry = {
      id,
      accessor: randomBytes(12).toString('base64url'),
      policies: root ? ['root'] : [...new Set(['default', ...options.policies])],
      ttl: root ? 0 : options.ttlSeconds,
      issuedAt,
      expiresAt: root ? undefined : issuedAt + options.ttlSeconds * 1000,
      renewable: !root && (options.renewable ?? true),
      origin: options.origin,
      meta: options.meta ?? {},
      revoked: false,
    };
    this.byId.set(id, entry);
    return entry;
  }

  /** The live token with this id: not revoked, not expired. */
  valid(id: string | undefined): TokenEntry | undefined {
    const entry = id ? this.byId.get(id) : undefined;
    if (!entry || entry.revoked) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) return undefined;
    return entry;
  }

  remaining(entry: TokenEntry): number {
    return entry.expiresAt === undefined ? 0 : Math.max(0, Math.ceil((entry.expiresAt - this.now()) / 1000));
  }

  renew(entry: TokenEntry, incrementSeconds?: number): void {
    entry.expiresAt = this.now() + (incrementSeconds ?? entry.ttl) * 1000;
  }

  revoke(entry: TokenEntry): void {
    entry.revoked = true;
  }

  all(): TokenEntry[] {
    return [...this.byId.values()];
  }
}

export const requestId = (): string => randomUUID();
