import { createHash } from 'node:crypto';
import type { RegistryCredentials } from './registry-auth';
import { registryBaseUrl } from './registry-ref';

/** Manifest types the engine pushes (and the registry may serve): Docker schema 2 and OCI, single images. */
const MANIFEST_TYPES = ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'];

export interface RegistryManifest {
  /** `sha256:…` of the manifest bytes: the repo digest. */
  digest: string;
  mediaType: string;
  body: Buffer;
  /** The image config's digest: the engine's image ID. */
  configDigest: string;
}

export interface RegistryImage extends RegistryManifest {
  labels: Record<string, string>;
  /** The image config's `created` (RFC 3339). */
  created?: string;
}

/** A failure talking to the registry; the message names it. */
export class RegistryError extends Error {}

/**
 * The registry HTTP API v2, as much as nx-bake needs: manifests by tag or digest, config blobs (for the
 * labels), tags, retagging by manifest PUT, deletes by digest. Basic auth and Docker's token flow.
 */
export class RegistryClient {
  private authorization?: string;
  private readonly base: string;

  constructor(
    readonly host: string,
    private readonly credentials?: RegistryCredentials,
    private readonly options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ) {
    this.base = registryBaseUrl(host);
  }

  /** The manifest of `name:reference` (a tag or a digest), or undefined when the registry has none. */
  async manifest(name: string, reference: string): Promise<RegistryManifest | undefined> {
    const response = await this.request('GET', `/v2/${name}/manifests/${reference}`, { accept: [...MANIFEST_TYPES, 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json'].join(', ') });
    if (response.status === 404) return undefined;
    await this.expect(response, 200, `reading the manifest ${name}:${reference}`);
    const body = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest) throw new RegistryError(`registry ${this.host}: the manifest served for ${name}@${reference} has digest ${digest} (digest mismatch)`);
    const parsed = JSON.parse(body.toString('utf8')) as { mediaType?: string; config?: { digest?: string } };
    const mediaType = (response.headers.get('content-type') ?? parsed.mediaType ?? '').split(';')[0];
    // A manifest list (several platforms) is no image nx-bake pushed.
    if (!MANIFEST_TYPES.includes(mediaType) || !parsed.config?.digest) return undefined;
    return { digest, mediaType, body, configDigest: parsed.config.digest };
  }

  /** The manifest and the labels of its image config, or undefined when the registry has no such manifest. */
  async image(name: string, reference: string): Promise<RegistryImage | undefined> {
    const manifest = await this.manifest(name, reference);
    if (!manifest) return undefined;
    const response = await this.request('GET', `/v2/${name}/blobs/${manifest.configDigest}`, {});
    if (response.status === 404) return undefined;
    await this.expect(response, 200, `reading the image config ${manifest.configDigest} of ${name}`);
    const blob = Buffer.from(await response.arrayBuffer());
    if (`sha256:${createHash('sha256').update(blob).digest('hex')}` !== manifest.configDigest) {
      throw new RegistryError(`registry ${this.host}: the config blob of ${name}@${manifest.digest} does not match its digest ${manifest.configDigest}`);
    }
    const config = JSON.parse(blob.toString('utf8')) as { created?: string; config?: { Labels?: Record<string, string> | null } };
    return { ...manifest, labels: config.config?.Labels ?? {}, created: config.created };
  }

  /** Points `name:tag` at a manifest the registry holds (no layer moves: the same bytes under another tag). */
  async tag(name: string, tag: string, manifest: Pick<RegistryManifest, 'mediaType' | 'body'>): Promise<void> {
    const response = await this.request('PUT', `/v2/${name}/manifests/${tag}`, { 'content-type': manifest.mediaType }, manifest.body);
    await this.expect(response, 201, `tagging ${name}:${tag}`);
  }

  async tags(name: string): Promise<string[]> {
    const response = await this.request('GET', `/v2/${name}/tags/list?n=10000`, {});
    if (response.status === 404) return [];
    await this.expect(response, 200, `listing the tags of ${name}`);
    return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** Deletes a manifest (every tag on it goes with it); false when the registry does not allow deletes. */
  async deleteManifest(name: string, digest: string): Promise<boolean> {
    const response = await this.request('DELETE', `/v2/${name}/manifests/${digest}`, {});
    if (response.status === 404) return true;
    if (response.status === 405) return false;
    await this.expect(response, 202, `deleting ${name}@${digest}`);
    return true;
  }

  private async request(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const send = () => this.fetch(method, path, { ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) }, body);
    let response = await send();
    if (response.status === 401 && (await this.authenticate(response.headers.get('www-authenticate') ?? ''))) response = await send();
    return response;
  }

  private async fetch(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    try {
      return await fetch(`${this.base}${path}`, { method, headers, body, signal, redirect: 'follow' });
    } catch (error) {
      if (this.options.signal?.aborted) throw this.options.signal.reason ?? error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(`registry ${this.host} is unreachable (${method} ${path}): ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }

  /** Answers a 401's challenge: Basic with the credentials, or Bearer with a token fetched from its realm. */
  private async authenticate(challenge: string): Promise<boolean> {
    if (!this.credentials && !/^Bearer/i.test(challenge)) return false;
    const basic = this.credentials ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}` : undefined;
    if (/^Basic/i.test(challenge)) {
      if (this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    if (!/^Bearer/i.test(challenge)) return false;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (!params.realm) return false;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const response = await fetch(url, { headers: basic ? { authorization: basic } : {}, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) }).catch((error: Error) => {
      throw new RegistryError(`registry ${this.host}: the token service ${url.origin} is unreachable: ${error.message}`);
    });
    if (!response.ok) throw new RegistryError(`registry ${this.host}: the token service refused the credentials (${response.status})`);
    const { token, access_token } = (await response.json()) as { token?: string; access_token?: string };
    if (!token && !access_token) return false;
    this.authorization = `Bearer ${token ?? access_token}`;
    return true;
  }

  private async expect(response: Response, status: number, what: string): Promise<void> {
    if (response.status === status || (status === 202 && response.status === 200)) return;
    const text = (await response.text().catch(() => '')).slice(0, 300).trim();
    const hint = response.status === 401 ? ' (no credentials, or wrong ones: docker login, or registry_username/registry_password)' : '';
    throw new RegistryError(`registry ${this.host}: ${what} failed: ${response.status} ${response.statusText}${hint}${text ? `: ${text}` : ''}`);
  }
}
