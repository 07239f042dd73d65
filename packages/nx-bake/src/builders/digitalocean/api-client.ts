import { sleep } from '../../util/sleep';

export interface ApiClientOptions {
  /** Base URL, e.g. https://api.digitalocean.com (overridable for tests: DIGITALOCEAN_API_URL). */
  url: string;
  token: string;
  /** Retries of a 429 or 5xx answer (or a dropped connection) before the call fails. */
  maxRetries?: number;
  /** First backoff; doubled each retry, capped at 30 s, unless the server says when to come back. */
  backoffMs?: number;
  signal?: AbortSignal;
  /** One request that gets no answer in this time is given up (and retried): a hung call must not hang the bake. */
  requestTimeoutMs?: number;
  /** Told about each retry, e.g. to log it (never with the token). */
  onRetry?(message: string): void;
}

export class DigitalOceanApiError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly id: string | undefined,
    detail: string,
  ) {
    super(`DigitalOcean API ${call} failed: ${status}${id ? ` ${id}` : ''}: ${detail}`);
    this.name = 'DigitalOceanApiError';
  }
}

/**
 * The DigitalOcean API v2 over fetch: JSON in and out, retried with backoff on 429 (honouring
 * `ratelimit-reset` and `retry-after`) and on 5xx, and a clear error naming the call on any other failure.
 * The token goes only into the Authorization header; no message ever contains it.
 */
export class DigitalOceanApi {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const call = `${method} ${path.split('?')[0]}`;
    const maxRetries = this.options.maxRetries ?? 8;
    let backoff = this.options.backoffMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(new URL(path, this.options.url), {
          method,
          headers: {
            Authorization: `Bearer ${this.options.token}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: requestSignal(this.options.signal, this.options.requestTimeoutMs ?? 60_000),
        });
      } catch (error) {
        if (this.options.signal?.aborted || attempt >= maxRetries) throw new DigitalOceanApiError(call, 0, 'unreachable', errorText(error));
        this.options.onRetry?.(`${call}: ${errorText(error)}; retrying in ${backoff} ms`);
        await sleep(backoff, this.options.signal);
        backoff = Math.min(backoff * 2, 30_000);
        continue;
      }
      if (response.ok) {
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const failure = await errorBody(response);
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= maxRetries) throw new DigitalOceanApiError(call, response.status, failure.id, failure.message);
      // ratelimit-reset is on every answer and names the end of the hour's window: only a 429 means wait for it.
      const wait = retryAfterMs(response, Date.now(), response.status === 429) ?? backoff;
      this.options.onRetry?.(`${call}: ${response.status}${failure.id ? ` ${failure.id}` : ''}; retrying in ${wait} ms`);
      await sleep(wait, this.options.signal);
      backoff = Math.min(backoff * 2, 30_000);
    }
  }
}

/** A call's path and JSON body, as a step's pure request builder makes it (and its table test pins it). */
export interface ApiRequest<Body = unknown> {
  path: string;
  body: Body;
}

/** For deletes: a resource that is already gone is what the caller wanted. */
export function ignoreNotFound(error: unknown): void {
  if ((error as { status?: number }).status !== 404) throw error;
}

function requestSignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** How long the server asks us to wait: `retry-after` (seconds or a date), else (when rate-limited) `ratelimit-reset` (epoch seconds). */
export function retryAfterMs(response: { headers: { get(name: string): string | null } }, now = Date.now(), rateLimited = true): number | undefined {
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.min(seconds * 1000, 120_000));
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.min(date - now, 120_000));
  }
  const reset = Number(response.headers.get('ratelimit-reset'));
  if (rateLimited && reset > 0) return Math.max(0, Math.min(reset * 1000 - now, 120_000));
  return undefined;
}

async function errorBody(response: Response): Promise<{ id?: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { id?: string; message?: string };
    return { id: body.id, message: body.message ?? response.statusText };
  } catch {
    return { message: text.slice(0, 200) || response.statusText };
  }
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
