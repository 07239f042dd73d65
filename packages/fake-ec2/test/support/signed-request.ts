import type { FakeEc2 } from '../../src';
import { signedHeaders } from '../../src/http/sigv4';

/** POSTs a form of Query parameters to the fake as the SDKs would (SigV4-signed unless `unsigned`); its status and XML. */
export async function postQuery(fake: FakeEc2, params: Record<string, string>, options: { region?: string; unsigned?: boolean } = {}): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams({ Version: '2016-11-15', ...params }).toString();
  const host = new URL(fake.url).host;
  const headers = options.unsigned
    ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }
    : signedHeaders({ method: 'POST', url: '/', body, host }, fake.credentials[0], options.region ?? 'us-east-1');
  const { host: _host, ...sent } = headers as Record<string, string>;
  void _host;
  const response = await fetch(`${fake.url}/`, { method: 'POST', headers: sent, body });
  return { status: response.status, body: await response.text() };
}
