/**
 * Vault's HTTP API over node:http(s): the token in X-Vault-Token, the namespace in X-Vault-Namespace, the
 * TLS settings of VAULT_CACERT / VAULT_SKIP_VERIFY, a timeout, and Vault's own client's retries (twice, on
 * 5xx and 412, with backoff) so a moment of leader election does not fail a bake.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sleep } from '../util/sleep';
import { VaultRequestError } from './vault-error';
import type { VaultSettings } from './vault-settings';

export interface VaultAnswer {
  status: number;
  /** The parsed JSON body; undefined for 204 and empty bodies. */
  body?: Record<string, any>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const RETRIES = 2;
const RETRY_DELAYS_MS = [250, 1000];
const TIMEOUT_MS = 30_000;

const retryable = (status: number | undefined): boolean => status === undefined || status === 412 || status >= 500;

/** A certificate Vault's client would not trust now will not be trusted in a second either. */
const isCertificateError = (error: unknown): boolean => /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(String((error as NodeJS.ErrnoException).code ?? ''));

/** One API call, `path` under /v1/. Answers any status; throws VaultRequestError only when no answer came after the retries. */
export async function vaultRequest(settings: VaultSettings, method: string, path: string, options: RequestOptions = {}): Promise<VaultAnswer> {
  for (let attempt = 0; ; attempt++) {
    let answer: VaultAnswer | undefined;
    let failure: string | undefined;
    let final = attempt >= RETRIES;
    try {
      answer = await once(settings, method, path, options);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const certificate = isCertificateError(error);
      failure = `${(error as Error).message} (${certificate ? "is Vault's CA in VAULT_CACERT?" : 'is VAULT_ADDR right, and Vault up?'})`;
      final ||= certificate;
    }
    if (final || !retryable(answer?.status)) {
      if (answer) return answer;
      throw new VaultRequestError(`${method} ${settings.address}/v1/${path}`, undefined, [], failure);
    }
    await sleep(RETRY_DELAYS_MS[attempt], options.signal);
  }
}

function once(settings: VaultSettings, method: string, path: string, options: RequestOptions): Promise<VaultAnswer> {
  const url = new URL(`${settings.address}/v1/${path}`);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { 'x-vault-request': 'true' };
  if (options.token) headers['x-vault-token'] = options.token;
  if (settings.namespace) headers['x-vault-namespace'] = settings.namespace;
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<VaultAnswer>((resolve, reject) => {
    const req = send(
      url,
      { method, headers, signal: options.signal, timeout: options.timeoutMs ?? TIMEOUT_MS, ca: settings.tls.ca, rejectUnauthorized: settings.tls.rejectUnauthorized },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, any> | undefined;
          try {
            body = text ? (JSON.parse(text) as Record<string, any>) : undefined;
          } catch {
            body = { errors: [`not JSON: ${text.slice(0, 200)}`] };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${(options.timeoutMs ?? TIMEOUT_MS) / 1000} s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The answer when it is one of `ok`, else a VaultRequestError naming the request and the status. */
export function expectStatus(answer: VaultAnswer, method: string, path: string, ...ok: number[]): VaultAnswer {
  if (ok.includes(answer.status)) return answer;
  const errors = Array.isArray(answer.body?.errors) ? (answer.body.errors as unknown[]).map(String) : [];
  // A 404 has no errors but may have warnings (a KV v2 mount read without `data/`: Vault says so there).
  const warnings = Array.isArray(answer.body?.warnings) ? (answer.body.warnings as unknown[]).map(String) : [];
  throw new VaultRequestError(`${method} /v1/${path}`, answer.status, errors.length ? errors : warnings);
}
