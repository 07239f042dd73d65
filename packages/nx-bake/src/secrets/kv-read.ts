/**
 * From a reference to the API path to read and the key/value map in the answer.
 *
 * `vault(path, key)` reads the path as given and, as Packer does, takes `data.data` when the answer is a KV v2
 * one (`data` with `data` and `metadata` maps), else `data` (KV v1, and engines such as database credentials).
 * A variable's `vault:` names a KV mount and a path in it: `<mount>/data/<path>` on KV v2, `<mount>/<path>` on
 * KV v1. Its version, unless given, is detected from the mount: KV v2 has `<mount>/config` (its settings,
 * `max_versions` among them); on KV v1 that path is a secret named `config`, normally absent (404). Vault's own
 * way (sys/internal/ui/mounts) is not in the API subset nx-bake keeps to. A token that may not read the config
 * (403) is detected by reading the secret at its KV v2 path, and then at its KV v1 path.
 */
import type { VaultReference } from '../pipeline/vault-reference';
import { expectStatus, type VaultAnswer } from './vault-http';

export type KvVersion = 1 | 2;

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The secret's key/value map in a read's answer. */
export function secretData(answer: VaultAnswer): Record<string, unknown> {
  const data = answer.body?.data;
  if (isMap(data) && isMap(data.data) && isMap(data.metadata)) return data.data;
  return isMap(data) ? data : {};
}

export const kvPath = (mount: string, path: string, version: KvVersion): string => (version === 2 ? `${mount}/data/${path}` : `${mount}/${path}`);

/** GET of an API path (the session's, cached). */
export type Get = (path: string) => Promise<VaultAnswer>;

export async function detectKvVersion(get: Get, mount: string, path: string): Promise<KvVersion> {
  const config = await get(`${mount}/config`);
  if (config.status === 200) return typeof config.body?.data?.max_versions === 'number' ? 2 : 1;
  if (config.status === 404) return 1;
  if (config.status !== 403) expectStatus(config, 'GET', `${mount}/config`, 200);
  const asV2 = await get(kvPath(mount, path, 2));
  return asV2.status === 200 && isMap(asV2.body?.data?.metadata) ? 2 : 1;
}

/** The API path a reference reads (a KV variable's version detected when not given). */
export async function apiPathOf(reference: VaultReference, versionOf: (mount: string, path: string) => Promise<KvVersion>): Promise<string> {
  if (reference.kind === 'path') return reference.path;
  return kvPath(reference.mount, reference.path, reference.version ?? (await versionOf(reference.mount, reference.path)));
}
