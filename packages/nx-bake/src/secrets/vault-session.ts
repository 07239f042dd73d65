/**
 * One process's use of Vault: one login, each API path read once (a dynamic secret read twice would be two
 * database users), the leases of what it read renewed while the bake runs and revoked when it ends, and a
 * token it logged in for revoked too. `close()` never throws: what it could not revoke is said, with when
 * it expires anyway.
 */
import { describeVaultReference, vaultReferenceKey, type VaultReference, type VaultResolver } from '../pipeline/vault-reference';
import { secretsOf } from '../pipeline/redact';
import { apiPathOf, detectKvVersion, secretData, type KvVersion } from './kv-read';
import { expectStatus, vaultRequest, type VaultAnswer } from './vault-http';
import { logIn, type VaultToken } from './vault-login';
import { credentialsOf, type VaultSettings } from './vault-settings';

interface Lease {
  id: string;
  /** Seconds, as last granted. */
  duration: number;
  renewable: boolean;
}

/** Revocations at the end get this long each: an unreachable Vault must not hold up the cleanup. */
const CLOSE_TIMEOUT_MS = 10_000;

/** The values of a stage's references, read up front: what the templates' resolver answers, synchronously. */
export class VaultValues implements VaultResolver {
  constructor(
    private readonly values: Map<string, unknown>,
    private readonly hidden: string[],
  ) {}

  read(reference: VaultReference): unknown {
    const key = vaultReferenceKey(reference);
    if (!this.values.has(key)) {
      throw new Error(`vault: ${describeVaultReference(reference)} was not read before the build (do vault()'s arguments depend on another secret?)`);
    }
    return this.values.get(key);
  }

  /** Every value read (every key of every secret, not only those used) and the credentials: for the redactor. */
  secrets(): string[] {
    return this.hidden;
  }
}

export class VaultSession {
  private token?: Promise<VaultToken>;
  private readonly reads = new Map<string, Promise<VaultAnswer>>();
  private readonly versions = new Map<string, Promise<KvVersion>>();
  private readonly leases: Lease[] = [];
  private readonly hidden = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly settings: VaultSettings,
    /** Lines for the bake's output: renewals that failed, what was (or was not) revoked. */
    private readonly say: (message: string) => void,
  ) {
    credentialsOf(settings.auth).forEach((credential) => this.hidden.add(credential));
  }

  /** Reads every reference (each API path once per session), in order: the first failure is the error. */
  async prefetch(references: VaultReference[], signal?: AbortSignal): Promise<VaultValues> {
    const values = new Map<string, unknown>();
    for (const reference of references) values.set(vaultReferenceKey(reference), await this.value(reference, signal));
    return new VaultValues(values, [...this.hidden]);
  }

  private async value(reference: VaultReference, signal?: AbortSignal): Promise<unknown> {
    const shown = describeVaultReference(reference);
    let path: string;
    let data: Record<string, unknown>;
    try {
      path = await apiPathOf(reference, (mount, inside) => this.versionOf(mount, inside, signal));
      data = secretData(expectStatus(await this.get(path, signal), 'GET', path, 200));
    } catch (error) {
      throw new Error(`vault: cannot read ${shown}: ${(error as Error).message}`);
    }
    if (!Object.hasOwn(data, reference.key)) {
      const keys = Object.keys(data);
      throw new Error(`vault: ${path} has no key '${reference.key}' (${keys.length ? `its keys: ${keys.join(', ')}` : 'it has no keys'})`);
    }
    return data[reference.key];
  }

  private versionOf(mount: string, path: string, signal?: AbortSignal): Promise<KvVersion> {
    let version = this.versions.get(mount);
    if (!version) {
      version = detectKvVersion((read) => this.get(read, signal), mount, path);
      this.versions.set(mount, version);
    }
    return version;
  }

  /** GET of an API path, once per session; a leased answer's lease is kept to renew and revoke. */
  private get(path: string, signal?: AbortSignal): Promise<VaultAnswer> {
    let answer = this.reads.get(path);
    if (!answer) {
      answer = this.authenticated(signal).then(async (token) => {
        const got = await vaultRequest(this.settings, 'GET', path, { token: token.token, signal });
        if (got.status === 200) this.keep(got);
        return got;
      });
      // A failure (Vault down, a signal) is not remembered: only answers are.
      answer.catch(() => this.reads.delete(path));
      this.reads.set(path, answer);
    }
    return answer;
  }

  private keep(answer: VaultAnswer): void {
    secretsOf(secretData(answer)).forEach((value) => this.hidden.add(value));
    const id = answer.body?.lease_id;
    if (typeof id !== 'string' || !id) return;
    const lease: Lease = { id, duration: Number(answer.body?.lease_duration) || 0, renewable: answer.body?.renewable === true };
    this.leases.push(lease);
    this.renewLater(lease.duration, lease.renewable, () => this.renewLease(lease));
  }

  private authenticated(signal?: AbortSignal): Promise<VaultToken> {
    if (!this.token) {
      this.token = logIn(this.settings, signal).then((token) => {
        this.hidden.add(token.token);
        if (token.owned) this.renewLater(token.ttl, token.renewable, () => this.renewToken(token));
        return token;
      });
      this.token.catch(() => (this.token = undefined));
    }
    return this.token;
  }

  /** Renews at two thirds of the time granted, as Vault's own agent does, so a long build outlives a short TTL. */
  private renewLater(seconds: number, renewable: boolean, renew: () => Promise<number>): void {
    if (!renewable || seconds <= 0 || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      renew().then(
        (granted) => this.renewLater(granted, true, renew),
        (error: Error) => this.say(`vault: renewal failed: ${error.message}`),
      );
    }, Math.max(1, seconds) * (2 / 3) * 1000);
    timer.unref();
    this.timers.add(timer);
  }

  private async renewLease(lease: Lease): Promise<number> {
    const token = await this.authenticated();
    const path = 'sys/leases/renew';
    const answer = expectStatus(await vaultRequest(this.settings, 'POST', path, { token: token.token, body: { lease_id: lease.id, increment: `${lease.duration}s` } }), 'POST', path, 200);
    return (lease.duration = Number(answer.body?.lease_duration) || 0);
  }

  private async renewToken(token: VaultToken): Promise<number> {
    const path = 'auth/token/renew-self';
    const answer = expectStatus(await vaultRequest(this.settings, 'POST', path, { token: token.token, body: {} }), 'POST', path, 200);
    return Number(answer.body?.auth?.lease_duration) || 0;
  }

  /** Revokes the leases, then a token of this session's login. Never throws. */
  async close(): Promise<void> {
    this.closed = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    const token = await this.token?.catch(() => undefined);
    if (!token) return;
    const done: string[] = [];
    for (const lease of this.leases) {
      const revoked = await this.post('sys/leases/revoke', token.token, { lease_id: lease.id });
      if (revoked) this.say(`vault: lease ${lease.id} not revoked (${revoked}); it expires within ${lease.duration} s`);
      else done.push(`lease ${lease.id}`);
    }
    if (token.owned) {
      const revoked = await this.post('auth/token/revoke-self', token.token);
      if (revoked) this.say(`vault: the token of the ${token.origin} not revoked (${revoked}); it expires within ${token.ttl} s`);
      else done.push(`the token of the ${token.origin}`);
    }
    if (done.length) this.say(`vault: revoked ${done.join(', ')}`);
  }

  /** A POST at the end: undefined when it worked, else why not. */
  private async post(path: string, token: string, body?: unknown): Promise<string | undefined> {
    try {
      expectStatus(await vaultRequest(this.settings, 'POST', path, { token, body, timeoutMs: CLOSE_TIMEOUT_MS }), 'POST', path, 200, 204);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
