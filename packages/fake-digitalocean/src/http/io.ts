import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

const MAX_BODY = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body over 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, rawBody: string): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(rawBody) });
  res.end(rawBody);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const raw = body === undefined ? '' : JSON.stringify(body, (_k, v: unknown) => (v === Infinity ? 'all' : v));
  send(res, status, raw ? { 'content-type': 'application/json; charset=utf-8' } : {}, raw);
}
