import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DigitalOceanApi, DigitalOceanApiError, retryAfterMs } from './api-client';

const headers = (values: Record<string, string>) => ({ headers: { get: (name: string) => values[name] ?? null } });

describe('retryAfterMs', () => {
  const now = 1_700_000_000_000;
  it('takes retry-after in seconds or as a date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after': new Date(now + 5000).toUTCString() }), now)).toBe(5000);
  });
  it('waits for ratelimit-reset only when rate-limited, and never for more than two minutes', () => {
    expect(retryAfterMs(headers({ 'ratelimit-reset': String(now / 1000 + 7) }), now)).toBe(7000);
    expect(retryAfterMs(headers({ 'ratelimit-reset': String(now / 1000 + 3600) }), now, false)).toBeUndefined();
    expect(retryAfterMs(headers({ 'ratelimit-reset': String(now / 1000 + 3600) }), now)).toBe(120_000);
  });
});

describe('DigitalOceanApi', () => {
  let server: Server;
  let answers: { status: number; headers?: Record<string, string>; body: unknown }[];
  let seen: { method?: string; url?: string; auth?: string }[];
  let url: string;

  beforeEach(async () => {
    answers = [];
    seen = [];
    server = createServer((request, response) => {
      seen.push({ method: request.method, url: request.url, auth: request.headers.authorization });
      const answer = answers.shift() ?? { status: 200, body: { ok: true } };
      if (answer.status === 0) return; // a request the server never answers
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('gives up on a request that gets no answer, and retries it', async () => {
    answers = [{ status: 0, body: null }, { status: 200, body: { droplets: [] } }];
    const api = new DigitalOceanApi({ url, token: 't', backoffMs: 10, requestTimeoutMs: 300 });
    await expect(api.get('/v2/droplets')).resolves.toEqual({ droplets: [] });
    expect(seen).toHaveLength(2);
    answers = [{ status: 0, body: null }];
    const once = new DigitalOceanApi({ url, token: 't', maxRetries: 0, requestTimeoutMs: 300 });
    await expect(once.get('/v2/account')).rejects.toThrow('DigitalOcean API GET /v2/account failed: 0 unreachable');
  });

  it('retries 429 and 5xx with backoff, then returns the answer', async () => {
    answers = [
      { status: 429, headers: { 'retry-after': '0' }, body: { id: 'too_many_requests', message: 'slow down' } },
      { status: 503, body: { id: 'service_unavailable', message: 'later' } },
    ];
    const retries: string[] = [];
    const api = new DigitalOceanApi({ url, token: 'secret-token', backoffMs: 10, onRetry: (message) => retries.push(message) });
    await expect(api.get('/v2/account')).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(seen[0].auth).toBe('Bearer secret-token');
    expect(retries).toEqual([expect.stringContaining('GET /v2/account: 429'), expect.stringContaining('GET /v2/account: 503')]);
    expect(retries.join()).not.toContain('secret-token');
  });

  it('fails at once on a 4xx with an error naming the call, without the token', async () => {
    answers = [{ status: 422, body: { id: 'unprocessable_entity', message: 'size is invalid' } }];
    const api = new DigitalOceanApi({ url, token: 'secret-token', backoffMs: 10 });
    const failure = api.post('/v2/droplets', { size: 'huge' });
    await expect(failure).rejects.toBeInstanceOf(DigitalOceanApiError);
    await expect(failure).rejects.toThrow('DigitalOcean API POST /v2/droplets failed: 422 unprocessable_entity: size is invalid');
    expect(seen).toHaveLength(1);
  });

  it('gives up after its retries', async () => {
    answers = Array.from({ length: 5 }, () => ({ status: 500, body: { id: 'server_error', message: 'boom' } }));
    const api = new DigitalOceanApi({ url, token: 't', backoffMs: 1, maxRetries: 2 });
    await expect(api.delete('/v2/droplets/1')).rejects.toThrow('DELETE /v2/droplets/1 failed: 500 server_error: boom');
    expect(seen).toHaveLength(3);
  });
});
