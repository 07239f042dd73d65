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
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const [path, query = ''] = request.url.split('?');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery(query),
    ...signedHeaders.split(';').map((name) => `${name}:${headerValue(request.headers[name])}`),
    '',
    signedHeaders,
    String(request.headers['x-amz-content-sha256'] ?? sha256(request.body)),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${known.secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials (the signature does not match)', 401);
  }
  return region;
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
