import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Contract } from './contract';

export interface FakeNxCacheOptions {
  /** Tokens accepted as `Authorization: Bearer <token>`; a read-only one may GET but not PUT (403). */
  tokens: (string | { token: string; readOnly?: boolean })[];
  port?: number;
  /** Must be a loopback address (default 127.0.0.1). */
  host?: string;
  contract?: Contract;
  /** Told of each departure from the spec, as it happens (the CLI prints them). */
  onViolation?(violation: CacheViolation): void;
}

export interface CacheViolation {
  direction: 'request' | 'response';
  method: string;
  url: string;
  status: number;
  problems: string[];
}

export interface CacheRequest {
  method: string;
  hash: string;
  status: number;
  bytes: number;
}

export interface FakeNxCache {
  /** The value for NX_SELF_HOSTED_REMOTE_CACHE_SERVER. */
  url: string;
  port: number;
  /** Every departure from the spec, by a request or by the server's own response: tests expect none. */
  violations(): CacheViolation[];
  /** Every cache request answered, in order. */
  requests(): CacheRequest[];
  /** The stored entries by task hash (Nx's tar archives of the task outputs). */
  entries(): Map<string, Buffer>;
  /** Replaces (or adds) the stored bytes of a task hash: a poisoned or foreign cache entry, for tests. */
  put(hash: string, body: Buffer): void;
  stop(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/**
 * Nx's self-hosted remote cache (`PUT`/`GET /v1/cache/{hash}`, bearer token; `nx-remote-cache.openapi.json`),
 * in memory, on loopback. Entries cannot be overwritten (409), as the spec says.
 */
export async function startFakeNxCache(options: FakeNxCacheOptions): Promise<FakeNxCache> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`fake-nx-cache listens on loopback only, not ${host}`);
  if (options.tokens.length === 0) throw new Error('fake-nx-cache needs at least one token');
  const contract = options.contract ?? Contract.load();
  const tokens = new Map(options.tokens.map((entry) => (typeof entry === 'string' ? [entry, false] : [entry.token, entry.readOnly === true])));
  const store = new Map<string, Buffer>();
  const violations: CacheViolation[] = [];
  const requests: CacheRequest[] = [];
  const record = (violation: CacheViolation) => {
    violations.push(violation);
    options.onViolation?.(violation);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const match = contract.match(method, url.pathname);
    const answer = answerFor(method, match?.pathParams.hash, req, body);
    const requestProblems = contract.checkRequest({ method, pathname: url.pathname, headers: req.headers, bodyLength: body.length });
    if (requestProblems.length) record({ direction: 'request', method, url: req.url ?? '', status: answer.status, problems: requestProblems });
    const headers = answer.type ? { 'content-type': answer.type, 'content-length': String(answer.body.length) } : { 'content-length': String(answer.body.length) };
    const responseProblems = contract.checkResponse(method, url.pathname, { status: answer.status, headers, body: answer.body });
    if (responseProblems.length) record({ direction: 'response', method, url: req.url ?? '', status: answer.status, problems: responseProblems });
    if (match) requests.push({ method, hash: match.pathParams.hash, status: answer.status, bytes: method === 'PUT' ? body.length : answer.body.length });
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  }

  function answerFor(method: string, hash: string | undefined, req: IncomingMessage, body: Buffer): { status: number; type?: string; body: Buffer } {
    const text = (status: number, message: string) => ({ status, type: 'text/plain', body: Buffer.from(message) });
    if (!hash) return text(404, 'no such route');
    const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    const readOnly = auth ? tokens.get(auth[1]) : undefined;
    if (method === 'GET') {
      // The spec's GET declares no 401: a missing or unknown token is forbidden.
      if (readOnly === undefined) return text(403, 'missing or unknown token');
      const entry = store.get(hash);
      return entry ? { status: 200, type: 'application/octet-stream', body: entry } : { status: 404, body: Buffer.alloc(0) };
    }
    if (method === 'PUT') {
      if (readOnly === undefined) return text(401, 'missing or unknown token');
      if (readOnly) return text(403, 'this token may only read');
      if (store.has(hash)) return { status: 409, body: Buffer.alloc(0) };
      const length = Number(req.headers['content-length']);
      if (!Number.isFinite(length) || length !== body.length) return text(403, `Content-Length ${req.headers['content-length']} does not match the ${body.length} bytes sent`);
      store.set(hash, body);
      return { status: 202, body: Buffer.alloc(0) };
    }
    return text(404, 'no such route');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    violations: () => [...violations],
    requests: () => [...requests],
    entries: () => new Map(store),
    put: (hash, body) => void store.set(hash, body),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
