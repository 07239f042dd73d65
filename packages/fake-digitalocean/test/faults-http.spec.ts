import { setUp } from './support/fixtures';

jest.setTimeout(60_000);

describe('fault knobs on the HTTP layer', () => {
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    env = await setUp();
  });
  afterAll(async () => env?.close());
  afterEach(() => env.fake.faults.clear());

  it('answers a burst of 429s with ratelimit-reset and retry-after, then recovers', async () => {
    const { client, fake } = env;
    fake.faults.rateLimit(2, { resetSeconds: 7 });
    const before = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 2; i++) {
      const reply = await client.get('/v2/account');
      expect(reply.status).toBe(429);
      expect(reply.body).toMatchObject({ id: 'too_many_requests' });
      expect(reply.headers.get('retry-after')).toBe('7');
      expect(reply.headers.get('ratelimit-remaining')).toBe('0');
      const reset = Number(reply.headers.get('ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(before + 7);
      expect(reset).toBeLessThanOrEqual(before + 9);
    }
    const ok = await client.get('/v2/account');
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
    expect(ok.headers.get('retry-after')).toBeNull();
    expect(fake.violations()).toEqual([]);
  });

  it('sets a 429 burst over the admin API too', async () => {
    const { client } = env;
    const set = await client.post('/_fake/faults/rate-limit', { count: 1, resetSeconds: 2 });
    expect(set.status).toBe(201);
    expect(set.body.rateLimit).toEqual([{ remaining: 1, resetSeconds: 2 }]);
    expect((await client.get('/v2/sizes')).status).toBe(429);
    expect((await client.get('/v2/sizes')).status).toBe(200);
    expect((await client.get('/_fake/faults')).body.rateLimit).toEqual([]);
  });

  it('answers 5xx on the next requests, only on the paths asked for', async () => {
    const { client, fake } = env;
    fake.faults.serverErrors(2, { status: 503, path: /^\/v2\/droplets/ });
    expect((await client.get('/v2/account')).status).toBe(200);
    const failed = await client.get('/v2/droplets');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ id: 'service_unavailable', message: expect.any(String) });
    expect((await client.get('/v2/droplets?tag_name=x')).status).toBe(503);
    expect((await client.get('/v2/droplets')).status).toBe(200);
    expect(fake.violations()).toEqual([]);
  });

  it('answers 500 by default, set over the admin API with a path pattern and method', async () => {
    const { client } = env;
    expect((await client.post('/_fake/faults/server-errors', { count: 1, path: '^/v2/regions$', method: 'get' })).status).toBe(201);
    expect((await client.get('/v2/sizes')).status).toBe(200);
    const failed = await client.get('/v2/regions');
    expect(failed.status).toBe(500);
    expect(failed.body.id).toBe('server_error');
    expect((await client.get('/v2/regions')).status).toBe(200);
  });

  it('rejects a malformed fault over the admin API', async () => {
    const reply = await env.client.post('/_fake/faults/late-ssh', { count: 1 });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/ms is required/);
    expect((await env.client.post('/_fake/faults/no-such-fault', {})).status).toBe(404);
  });
});
