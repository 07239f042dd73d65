import type { StoredArtifact } from '../builder';
import type { DockerBuilderConfig } from './config';
import { credentialsFor } from './registry-auth';
import { RegistryClient } from './registry-client';
import { fingerprintTag, parseTagReference, registryOf, type RegistryRepository } from './registry-ref';

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
  for (const digest of digests) deleted.push(await deleteByDigest(client, registry, digest));
  return deleted;
}

/**
 * Undoes what run `runId` pushed under `reference` (`host/name:tag`), for a bake that wrote no manifest. The
 * registry API deletes manifests, not tags: the tag's manifest goes (with every tag on it) only if its image
 * is this run's build (its `nx-bake.run` label; a fingerprint tag that names an older, adopted build is not)
 * and no tag besides that build's own two (the moving and the fingerprint tag) names it. Says what it did.
 */
export async function undoPushedTag(reference: string, runId: string, config: DockerBuilderConfig): Promise<string> {
  const registry = parseTagReference(reference);
  if (!registry) throw new Error(`"${reference}" names no registry tag`);
  const client = new RegistryClient(registry.host, credentialsFor(registry.host, config));
  const image = await client.image(registry.name, registry.tag);
  if (!image) return `${reference} is not in the registry`;
  const labels = image.labels;
  if (labels['nx-bake.run'] !== runId) return `kept ${reference}: it names ${image.configDigest}, built by another run`;
  const own = new Set([registry.tag, config.tag, fingerprintTag(labels['nx-bake.stage'] ?? '', labels['nx-bake.fingerprint'] ?? '')]);
  for (const tag of await client.tags(registry.name)) {
    if (!own.has(tag) && (await client.manifest(registry.name, tag))?.digest === image.digest) return `kept ${reference}: ${registry.repository}:${tag} names the same image`;
  }
  return `deleted ${await deleteByDigest(client, registry, image.digest)} (${reference})`;
}

async function deleteByDigest(client: RegistryClient, registry: RegistryRepository, digest: string): Promise<string> {
  if (!(await client.deleteManifest(registry.name, digest))) throw new Error(`registry ${registry.host} does not allow deletes (storage.delete.enabled): ${registry.repository}@${digest} stays`);
  return `${registry.repository}@${digest}`;
}
