/** KV secrets engines: version 1 (plain reads and writes) and version 2 (versioned data, metadata, config). */
import { envelope, noContent } from './answer';
import { badRequest, notFound } from './errors';
import type { KvVersion, SecretMount } from './mounts';
import type { Handler } from './request';
import type { VaultState } from './vault';

type Kv<V extends 1 | 2> = Extract<SecretMount, { type: 'kv'; version: V }>;

function kvMount<V extends 1 | 2>(state: VaultState, name: string, version: V): Kv<V> {
  const mount = state.mounts.get(name);
  if (mount?.type !== 'kv' || mount.version !== version) throw notFound();
  return mount as Kv<V>;
}

// Vault sends custom_metadata: null; the contract types it as an object, so the fake sends {}.
const metadataOf = (version: KvVersion) => ({ created_time: version.created_time, custom_metadata: {}, deletion_time: '', destroyed: false, version: version.version });

export const kvV1Read: Handler = (state, { pathParams }) => {
  const data = kvMount(state, pathParams.kv_v1_mount_path, 1).secrets.get(pathParams.path);
  if (!data) throw notFound();
  // KV v1 answers the mount's default lease (768h) without a lease id: a hint to re-read, nothing to revoke.
  return envelope({ data, mountType: 'kv', lease: { id: '', duration: 2_764_800, renewable: false } });
};

export const kvV1Write: Handler = (state, { pathParams, body }) => {
  kvMount(state, pathParams.kv_v1_mount_path, 1);
  state.putSecret(pathParams.kv_v1_mount_path, pathParams.path, body);
  return noContent();
};

export const kvV2Read: Handler = (state, { pathParams }) => {
  const versions = kvMount(state, pathParams.kv_v2_mount_path, 2).secrets.get(pathParams.path);
  const latest = versions?.[versions.length - 1];
  if (!latest) throw notFound();
  return envelope({ data: { data: latest.data, metadata: metadataOf(latest) }, mountType: 'kv' });
};

export const kvV2Write: Handler = (state, { pathParams, body }) => {
  const mount = kvMount(state, pathParams.kv_v2_mount_path, 2);
  if (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) throw badRequest('no data provided');
  state.putSecret(pathParams.kv_v2_mount_path, pathParams.path, body.data as Record<string, unknown>);
  const versions = mount.secrets.get(pathParams.path)!;
  return envelope({ data: metadataOf(versions[versions.length - 1]), mountType: 'kv' });
};

export const kvV2ReadMetadata: Handler = (state, { pathParams }) => {
  const mount = kvMount(state, pathParams.kv_v2_mount_path, 2);
  const versions = mount.secrets.get(pathParams.path);
  if (!versions?.length) throw notFound();
  return envelope({
    data: {
      cas_required: false,
      created_time: versions[0].created_time,
      current_version: versions.length,
      custom_metadata: {},
      delete_version_after: '0s',
      max_versions: mount.maxVersions,
      oldest_version: 1,
      updated_time: versions[versions.length - 1].created_time,
      versions: Object.fromEntries(versions.map((v) => [String(v.version), { created_time: v.created_time, deletion_time: '', destroyed: false }])),
    },
    mountType: 'kv',
  });
};

export const kvV2ReadConfiguration: Handler = (state, { pathParams }) => {
  const mount = kvMount(state, pathParams.kv_v2_mount_path, 2);
  return envelope({ data: { cas_required: false, delete_version_after: '0s', max_versions: mount.maxVersions }, mountType: 'kv' });
};
