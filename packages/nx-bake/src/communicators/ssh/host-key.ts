import { createHash } from 'node:crypto';

/**
 * Which host keys a connection accepts. `accept-new` (the default, for a fresh build instance whose key
 * cannot be known in advance) trusts the first key seen and refuses any other on later connections;
 * `pinned` accepts only the given keys (`ssh-ed25519 AAAA...` lines or `SHA256:...` fingerprints).
 */
export type HostKeyPolicy = { kind: 'accept-new' } | { kind: 'pinned'; keys: PinnedHostKey[] };

export interface PinnedHostKey {
  /** As written, for messages. */
  text: string;
  fingerprint: string;
}

/** OpenSSH's `SHA256:<base64 without padding>` fingerprint of a public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name inside a public key blob (`ssh-ed25519`, ...), or undefined if it is not one. */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** Parses `ssh_host_key`: `accept-new`, one key or fingerprint, or a list of them (e.g. during a key rotation). */
export function parseHostKeyPolicy(value: unknown): HostKeyPolicy {
  if (value === 'accept-new') return { kind: 'accept-new' };
  const entries = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(entries) || entries.length === 0 || entries.some((entry) => typeof entry !== 'string')) {
    throw new Error(`must be "accept-new", a public key ("ssh-ed25519 AAAA...") or a SHA256 fingerprint, or a list of them; got ${JSON.stringify(value)}`);
  }
  return { kind: 'pinned', keys: (entries as string[]).map(parsePinnedKey) };
}

function parsePinnedKey(text: string): PinnedHostKey {
  const trimmed = text.trim();
  const fingerprint = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(trimmed);
  if (fingerprint) return { text: trimmed, fingerprint: `SHA256:${fingerprint[1]}` };
  const [type, data] = trimmed.split(/\s+/);
  if (type && data && /^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    const blob = Buffer.from(data, 'base64');
    if (keyTypeOf(blob) === type) return { text: trimmed, fingerprint: fingerprintOf(blob) };
  }
  throw new Error(`"${text}" is neither a public key ("ssh-ed25519 AAAA...", as in known_hosts or ssh-keyscan output) nor a SHA256:... fingerprint`);
}

/** The verdict on a key a server presented. */
export type HostKeyVerdict = { accepted: true } | { accepted: false; reason: string };

/**
 * Host key verification for one endpoint, kept for the life of a communicator so that reconnects (after a
 * reboot, say) are held to the key the first connection saw.
 */
export class HostKeyCheck {
  private known?: string;

  constructor(
    readonly policy: HostKeyPolicy,
    private readonly endpoint: string,
  ) {}

  /** The fingerprint trusted for this endpoint so far (pinned, or seen first under accept-new). */
  get trustedFingerprint(): string | undefined {
    return this.policy.kind === 'pinned' ? this.policy.keys[0].fingerprint : this.known;
  }

  verify(blob: Buffer): HostKeyVerdict {
    const fingerprint = fingerprintOf(blob);
    const shown = `${keyTypeOf(blob) ?? 'unknown key type'} ${fingerprint}`;
    if (this.policy.kind === 'pinned') {
      if (this.policy.keys.some((key) => key.fingerprint === fingerprint)) return { accepted: true };
      return {
        accepted: false,
        reason: `host key mismatch for ${this.endpoint}: the server presented ${shown}, but ssh_host_key pins ${this.policy.keys.map((key) => key.fingerprint).join(' or ')}`,
      };
    }
    if (this.known === undefined || this.known === fingerprint) return { accepted: true };
    return {
      accepted: false,
      reason: `host key changed for ${this.endpoint}: the server now presents ${shown}, but earlier in this build it presented ${this.known} (refusing: possible man-in-the-middle)`,
    };
  }

  /** Called once a handshake with `blob` completed (so a server that could not prove the key never gets recorded). */
  remember(blob: Buffer): void {
    if (this.policy.kind === 'accept-new' && this.known === undefined) this.known = fingerprintOf(blob);
  }
}
