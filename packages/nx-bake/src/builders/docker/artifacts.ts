import type Docker from 'dockerode';
import type { Artifact, ArtifactQuery } from '../builder';
import { parseDockerBuilderConfig, type DockerBuilderConfig } from './config';
import { findImageByLabels, inspectImage } from './images';
import { findInRegistry, verifyInRegistry, withRegistryDigest } from './registry-artifacts';

/** The labels every image of a stage build carries, that identify it for adoption and verification. */
export function identityLabels(query: ArtifactQuery): Record<string, string> {
  return { 'nx-bake.pipeline': query.pipeline, 'nx-bake.stage': query.stage, 'nx-bake.builder': query.builderName, 'nx-bake.fingerprint': query.fingerprint };
}

/**
 * The newest local image built for this stage and fingerprint. Adopting it stands in for a build, so it gets
 * the build's `repository:tag` too (a build of another fingerprint may have moved the tag since).
 */
export async function findDockerArtifact(docker: Docker, query: ArtifactQuery): Promise<Artifact | undefined> {
  const image = await findImageByLabels(docker, identityLabels(query));
  const config = parseQuietly(query);
  // With `push: true` the registry is where other runners look: an image only there is adopted from there.
  if (!image) return config?.push ? findInRegistry(query, identityLabels(query), config) : undefined;
  let tag: string | undefined;
  if (config?.repository) {
    tag = `${config.repository}:${config.tag}`;
    if (!(image.RepoTags ?? []).includes(tag)) await docker.getImage(image.Id).tag({ repo: config.repository, tag: config.tag });
  }
  const local: Artifact = { builderName: query.builderName, builderType: 'docker', id: image.Id, files: [], customData: tag ? { tag } : {} };
  return config?.push ? withRegistryDigest(docker, local, query, config) : local;
}

/** Whether the recorded image still exists and carries the stage and fingerprint it was recorded with. */
export async function verifyDockerArtifact(docker: Docker, artifactId: string, query: ArtifactQuery): Promise<boolean> {
  if (!artifactId) return false;
  // A pushed artifact (a manifest restored from a remote cache, on any runner) is what the registry holds.
  const repoDigest = query.recordedData?.repo_digest;
  if (repoDigest) return verifyInRegistry(artifactId, repoDigest, identityLabels(query), parseQuietly(query) ?? {});
  const image = await inspectImage(docker, artifactId);
  const labels = image?.Config?.Labels ?? {};
  return image !== undefined && Object.entries(identityLabels(query)).every(([key, value]) => labels[key] === value);
}

/** Callers may pass the unrendered config (templates in `tag`): then there is simply no tag to apply. */
function parseQuietly(query: ArtifactQuery): DockerBuilderConfig | undefined {
  try {
    return parseDockerBuilderConfig(query.config, query.builderName);
  } catch {
    return undefined;
  }
}
