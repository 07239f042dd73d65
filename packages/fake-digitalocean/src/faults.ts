/**
 * Fault knobs: each queued fault applies to the next `count` matching events (default 1; `Infinity`
 * for all of them) and is then used up. `clear()` drops the ones left.
 */

export interface ServerErrorFault {
  status: number;
  path?: RegExp;
  method?: string;
}

export interface FaultsSnapshot {
  rateLimit: { remaining: number; resetSeconds: number }[];
  serverErrors: { remaining: number; status: number; path?: string; method?: string }[];
  actionDelays: { remaining: number; ms: number | 'forever'; type?: string }[];
  neverActive: number;
  snapshotFailures: number;
  lateSsh: { remaining: number; ms: number }[];
  slowRequests: { remaining: number; ms: number; path?: string; method?: string }[];
}

interface Queued<T> {
  remaining: number;
  value: T;
}

export class Faults {
  private rateLimits: Queued<{ resetSeconds: number }>[] = [];
  private serverErrorQueue: Queued<ServerErrorFault>[] = [];
  private actionDelays: Queued<{ ms: number | 'forever'; type?: string }>[] = [];
  private neverActiveCount = 0;
  private snapshotFailureCount = 0;
  private lateSshQueue: Queued<{ ms: number }>[] = [];
  private slowRequestQueue: Queued<{ ms: number; path?: RegExp; method?: string }>[] = [];

  /** The next `count` API requests get 429 with `ratelimit-reset` and `retry-after` headers. */
  rateLimit(count: number, options: { resetSeconds?: number } = {}): void {
    this.rateLimits.push({ remaining: count, value: { resetSeconds: options.resetSeconds ?? 1 } });
  }

  /** The next `count` API requests (matching `path`, a RegExp or a regular expression source, and `method`) get `status`. */
  serverErrors(count: number, options: { status?: number; path?: RegExp | string; method?: string } = {}): void {
    const status = options.status ?? 500;
    if (status < 500 || status > 599) throw new Error(`serverErrors: status ${status} is not a 5xx`);
    const path = typeof options.path === 'string' ? new RegExp(options.path) : options.path;
    this.serverErrorQueue.push({ remaining: count, value: { status, path, method: options.method?.toUpperCase() } });
  }

  /** The next `count` actions (of `type`, if given) stay `in-progress` for `ms` more before their work runs. */
  slowActions(ms: number, options: { type?: string; count?: number } = {}): void {
    this.actionDelays.push({ remaining: options.count ?? 1, value: { ms, type: options.type } });
  }

  /** The next `count` actions (of `type`, if given) stay `in-progress` forever; their work never runs. */
  stuckActions(options: { type?: string; count?: number } = {}): void {
    this.actionDelays.push({ remaining: options.count ?? 1, value: { ms: 'forever', type: options.type } });
  }

  /** The next `count` droplets created start their container but stay `new` forever. */
  neverActive(count = 1): void {
    this.neverActiveCount += count;
  }

  /** The next `count` snapshot actions end `errored` without an image. */
  failSnapshots(count = 1): void {
    this.snapshotFailureCount += count;
  }

  /** The next `count` droplets (created or powered on) start sshd only `ms` after their container starts. */
  lateSsh(ms: number, count = 1): void {
    this.lateSshQueue.push({ remaining: count, value: { ms } });
  }

  /**
   * The next `count` API requests (matching `path`, a RegExp or its source, and `method`) are answered
   * only after `ms`: holds a client's call open (e.g. tagging a snapshot) so a test can interrupt it there.
   */
  slowRequests(ms: number, options: { path?: RegExp | string; method?: string; count?: number } = {}): void {
    const path = typeof options.path === 'string' ? new RegExp(options.path) : options.path;
    this.slowRequestQueue.push({ remaining: options.count ?? 1, value: { ms, path, method: options.method?.toUpperCase() } });
  }

  clear(): void {
    this.slowRequestQueue = [];
    this.rateLimits = [];
    this.serverErrorQueue = [];
    this.actionDelays = [];
    this.neverActiveCount = 0;
    this.snapshotFailureCount = 0;
    this.lateSshQueue = [];
  }

  snapshot(): FaultsSnapshot {
    return {
      rateLimit: this.rateLimits.map((q) => ({ remaining: q.remaining, ...q.value })),
      serverErrors: this.serverErrorQueue.map((q) => ({
        remaining: q.remaining,
        status: q.value.status,
        path: q.value.path?.source,
        method: q.value.method,
      })),
      actionDelays: this.actionDelays.map((q) => ({ remaining: q.remaining, ...q.value })),
      neverActive: this.neverActiveCount,
      snapshotFailures: this.snapshotFailureCount,
      lateSsh: this.lateSshQueue.map((q) => ({ remaining: q.remaining, ...q.value })),
      slowRequests: this.slowRequestQueue.map((q) => ({ remaining: q.remaining, ms: q.value.ms, path: q.value.path?.source, method: q.value.method })),
    };
  }

  // ---- used by the server ----

  takeRateLimit(): { resetSeconds: number } | undefined {
    return take(this.rateLimits, () => true);
  }

  takeServerError(method: string, pathname: string): ServerErrorFault | undefined {
    return take(
      this.serverErrorQueue,
      (f) => (!f.path || f.path.test(pathname)) && (!f.method || f.method === method.toUpperCase()),
    );
  }

  takeActionDelay(type: string): number | 'forever' {
    return take(this.actionDelays, (f) => !f.type || f.type === type)?.ms ?? 0;
  }

  takeNeverActive(): boolean {
    if (this.neverActiveCount <= 0) return false;
    this.neverActiveCount--;
    return true;
  }

  takeSnapshotFailure(): boolean {
    if (this.snapshotFailureCount <= 0) return false;
    this.snapshotFailureCount--;
    return true;
  }

  takeSlowRequest(method: string, pathname: string): number {
    return take(this.slowRequestQueue, (f) => (!f.path || f.path.test(pathname)) && (!f.method || f.method === method.toUpperCase()))?.ms ?? 0;
  }

  takeLateSsh(): number {
    return take(this.lateSshQueue, () => true)?.ms ?? 0;
  }
}

function take<T>(queue: Queued<T>[], matches: (value: T) => boolean): T | undefined {
  const index = queue.findIndex((q) => q.remaining > 0 && matches(q.value));
  if (index < 0) return undefined;
  const entry = queue[index];
  entry.remaining--;
  if (entry.remaining <= 0) queue.splice(index, 1);
  return entry.value;
}
