import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Ec2Error } from '../cloud/ec2-error';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query as requested. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Checks an AWS Signature Version 4 `Authorization` header as EC2 does: a known access key, and the
 * signature recomputed with its secret. Returns the region of the credential scope (the fake serves
 * every region on one endpoint, so the scope is how it tells them apart).
 */
export function verifySigV4(request: SignedRequest, credentials: Credentials[]): string {
  const header = request.headers.authorization;
  if (!header) throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials (no Authorization header)', 401);
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header);
  if (!match) throw new Ec2Error('IncompleteSignature', `The Authorization header is not an AWS4-HMAC-SHA256 signature: ${header}`, 400);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
  const known = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!known) throw new Ec2Error('AuthFailure', `AWS was not able to validate the provided access credentials (unknown access key ${accessKeyId})`, 401);
  const expected = signatureOf(request, known.secretAccessKey, `${date}/${region}/${service}/aws4_request`, signedHeaders.split(';'));
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials (the signature does not match)', 401);
  }
  return region;
}

/** The SigV4 signature of `request` (its x-amz-date and the `signedHeaders` it carries) for `scope` (date/region/service/aws4_request). */
export function signatureOf(request: SignedRequest, secretAccessKey: string, scope: string, signedHeaders: string[]): Buffer {
  const [path, query = ''] = request.url.split('?');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery(query),
    ...signedHeaders.map((name) => `${name}:${headerValue(request.headers[name])}`),
    '',
    signedHeaders.join(';'),
    String(request.headers['x-amz-content-sha256'] ?? sha256(request.body)),
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', String(request.headers['x-amz-date'] ?? ''), scope, sha256(canonicalRequest)].join('\n');
  const [date, region, service] = scope.split('/');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign);
}

/** Signs a request (as the SDKs do: host and x-amz-date): the headers to send with it. For tests and tools. */
export function signedHeaders(request: Omit<SignedRequest, 'headers'> & { host: string }, credentials: Credentials, region: string, now = new Date()): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers = { host: request.host, 'x-amz-date': amzDate, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const scope = `${amzDate.slice(0, 8)}/${region}/ec2/aws4_request`;
  const signature = signatureOf({ ...request, headers }, credentials.secretAccessKey, scope, ['content-type', 'host', 'x-amz-date']).toString('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}` };
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .map((pair) => pair.split('=').map((part) => encodeRfc3986(decodeURIComponent(part.replace(/\+/g, ' ')))))
    .map(([k, v = '']) => [k, v])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
