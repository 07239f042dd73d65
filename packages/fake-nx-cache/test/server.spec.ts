import { request } from 'node:http';
import { startFakeNxCache, type FakeNxCache } from '../src';

/** A raw HTTP request (fetch cannot leave out Content-Length, which the spec requires on PUT). */
function raw(url: string, method: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; type?: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('fake Nx remote cache', () => {
  let cache: FakeNxCache;
  const auth = { authorization: 'Bearer writer' };

  beforeAll(async () => {
    cache = await startFakeNxCache({ tokens: ['writer', { token: 'reader', readOnly: true }] });
  });
  afterAll(() => cache.stop());

  it('stores an entry once and serves it back as an octet stream, with no violation', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const put = await fetch(`${cache.url}/v1/cache/abc123`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: bytes });
    expect(put.status).toBe(202);
    const get = await fetch(`${cache.url}/v1/cache/abc123`, { headers: { authorization: 'Bearer reader' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await get.arrayBuffer())).toEqual(bytes);
    const again = await fetch(`${cache.url}/v1/cache/abc123`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: Buffer.from('other') });
    expect(again.status).toBe(409);
    expect((await fetch(`${cache.url}/v1/cache/missing`, { headers: auth })).status).toBe(404);
    expect(cache.violations()).toEqual([]);
    expect(cache.requests().map((r) => `${r.method} ${r.hash} ${r.status}`)).toEqual(['PUT abc123 202', 'GET abc123 200', 'PUT abc123 409', 'GET missing 404']);
  });

  it('refuses unknown and read-only tokens as the spec says (401/403 on PUT, 403 on GET)', async () => {
    const octets = { 'content-type': 'application/octet-stream' };
    expect((await fetch(`${cache.url}/v1/cache/x1`, { method: 'PUT', headers: { authorization: 'Bearer nope', ...octets }, body: Buffer.from('x') })).status).toBe(401);
    const readOnly = await fetch(`${cache.url}/v1/cache/x1`, { method: 'PUT', headers: { authorization: 'Bearer reader', ...octets }, body: Buffer.from('x') });
    expect(readOnly.status).toBe(403);
    expect(await readOnly.text()).toContain('only read');
    expect((await fetch(`${cache.url}/v1/cache/x1`, { headers: { authorization: 'Bearer nope' } })).status).toBe(403);
    expect(cache.violations()).toEqual([]);
  });

  it('records requests that break the spec: no bearer token, no Content-Length, a path it does not have', async () => {
    const before = cache.violations().length;
    await fetch(`${cache.url}/v1/cache/y1`);
    await raw(`${cache.url}/v1/cache/y2`, 'PUT', { ...auth, 'transfer-encoding': 'chunked' }, Buffer.from('chunked body'));
    await fetch(`${cache.url}/v2/cache/y3`, { headers: auth });
    const found = cache.violations().slice(before);
    expect(found.map((v) => v.problems.join('; '))).toEqual([
      expect.stringContaining('requires an `Authorization: Bearer <token>` header'),
      expect.stringContaining('header parameter Content-Length: required but missing'),
      expect.stringContaining('GET /v2/cache/y3: no operation of the spec'),
    ]);
    expect(found.every((v) => v.direction === 'request')).toBe(true);
  });

  it('listens on loopback only', async () => {
    await expect(startFakeNxCache({ tokens: ['t'], host: '0.0.0.0' })).rejects.toThrow('loopback only');
  });
});
