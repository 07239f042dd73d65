import type { StoredArtifact } from '../builder';
import type { DockerBuilderConfig } from './config';
import { credentialsFor } from './registry-auth';
import { RegistryClient } from './registry-client';
import { registryOf } from './registry-ref';

/** `<stage>-<fingerprint>`: the immutable tags push-image.ts adds (fingerprints are 32 hex digits). */
const FINGERPRINT_TAG = /^[a-z0-9][a-z0-9-]*-[0-9a-f]{32}$/;

/**
 * The images nx-bake pushed to the builder's repository, found by their fingerprint tags and identified by
 * the labels of their image config (another tool's tags in the repository are not listed).
 */
export async function listRegistryArtifacts(config: DockerBuilderConfig): Promise<StoredArtifact[]> {
  const registry = registryOf(config.repository);
  if (!config.push || !registry) return [];
  const client = new RegistryClient(registry.host, credentialsFor(registry.host, config));
  const found: StoredArtifact[] = [];
  for (const tag of (await client.tags(registry.name)).filter((entry) => FINGERPRINT_TAG.test(entry))) {
    const image = await client.image(registry.name, tag);
    const labels = image?.labels ?? {};
    if (!image || !labels['nx-bake.stage'] || !labels['nx-bake.fingerprint']) continue;
    found.push({
      id: image.configDigest,
      pipeline: labels['nx-bake.pipeline'] ?? '',
      stage: labels['nx-bake.stage'],
      fingerprint: labels['nx-bake.fingerprint'],
      base: labels['nx-bake.base'],
      runId: labels['nx-bake.run'],
      createdAt: new Date(image.created ?? 0),
      name: `${registry.repository}@${image.digest}`,
    });
  }
  return found;
}

/** Deletes, by digest, every manifest of the repository whose image is `id` (its tags go with it). */
export async function deleteRegistryArtifact(id: string, config: DockerBuilderConfig): Promise<string[]> {
  const registry = registryOf(config.repository);
  if (!config.push || !registry) return [];
  const client = new RegistryClient(registry.host, credentialsFor(registry.host, config));
  const digests = new Set<string>();
  for (const tag of await client.tags(registry.name)) {
    const manifest = await client.manifest(registry.name, tag);
    if (manifest?.configDigest === id) digests.add(manifest.digest);
  }
  const deleted: string[] = [];
  for (const digest of digests) {
    if (!(await client.deleteManifest(registry.name, digest))) throw new Error(`registry ${registry.host} does not allow deletes (storage.delete.enabled): ${registry.repository}@${digest} stays`);
    deleted.push(`${registry.repository}@${digest}`);
  }
  return deleted;
}
