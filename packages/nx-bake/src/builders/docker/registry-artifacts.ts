import type Docker from 'dockerode';
import type { Artifact, ArtifactQuery } from '../builder';
import type { StageLogger } from '../../progress/stage-logger';
import type { DockerBuilderConfig } from './config';
import { credentialsFor } from './registry-auth';
import { RegistryClient } from './registry-client';
import { pushImage, type PushedImage } from './registry-push';
import { fingerprintTag, parseDigestReference, registryOf } from './registry-ref';

function labelsMatch(labels: Record<string, string>, identity: Record<string, string>): boolean {
  return Object.entries(identity).every(([key, value]) => labels[key] === value);
}

function clientFor(host: string, config: Partial<DockerBuilderConfig>): RegistryClient {
  return new RegistryClient(host, credentialsFor(host, config));
}

/**
 * A recorded artifact with a repo digest is trusted only if the registry holds that digest, it is the
 * recorded image (its config digest is the image ID), and its labels name the stage and fingerprint.
 */
export async function verifyInRegistry(artifactId: string, repoDigest: string, identity: Record<string, string>, config: Partial<DockerBuilderConfig>): Promise<boolean> {
  const reference = parseDigestReference(repoDigest);
  if (!reference) return false;
  const image = await clientFor(reference.host, config).image(reference.name, reference.digest);
  return image !== undefined && image.configDigest === artifactId && labelsMatch(image.labels, identity);
}

/**
 * The image of this stage and fingerprint in the registry (its immutable fingerprint tag), when the engine has
 * none: adopted without pulling it (a child that builds on it pulls it by digest). Unless only looking, the
 * build's moving tag is pointed at it in the registry, as a build would have.
 */
export async function findInRegistry(query: ArtifactQuery, identity: Record<string, string>, config: DockerBuilderConfig): Promise<Artifact | undefined> {
  const registry = registryOf(config.repository);
  if (!registry) return undefined;
  const client = clientFor(registry.host, config);
  const image = await client.image(registry.name, fingerprintTag(query.stage, query.fingerprint));
  if (!image || !labelsMatch(image.labels, identity)) return undefined;
  if (!query.lookOnly) await client.tag(registry.name, config.tag, image);
  const pushed: PushedImage = { repo_digest: `${registry.repository}@${image.digest}`, fingerprint_tag: `${registry.repository}:${fingerprintTag(query.stage, query.fingerprint)}` };
  return { builderName: query.builderName, builderType: 'docker', id: image.configDigest, files: [], customData: { tag: `${registry.repository}:${config.tag}`, ...pushed } };
}

/**
 * A local image adopted under `push: true` must be in the registry too, or another runner could not use it:
 * it is recorded by the digest the registry holds for it, else pushed (a push that failed or was interrupted
 * before). Only looking (a plan), nothing is pushed and the artifact is reported as it is.
 */
export async function withRegistryDigest(docker: Docker, artifact: Artifact, query: ArtifactQuery, config: DockerBuilderConfig): Promise<Artifact> {
  const registry = registryOf(config.repository);
  if (!registry || query.lookOnly) return artifact;
  const client = clientFor(registry.host, config);
  const immutable = fingerprintTag(query.stage, query.fingerprint);
  const held = await client.manifest(registry.name, immutable);
  if (held && held.configDigest === artifact.id) {
    await client.tag(registry.name, config.tag, held);
    return { ...artifact, customData: { ...artifact.customData, repo_digest: `${registry.repository}@${held.digest}`, fingerprint_tag: `${registry.repository}:${immutable}` } };
  }
  const quiet: StageLogger = { info: () => undefined, warn: () => undefined, output: () => undefined, flush: () => undefined };
  const pushed = await pushImage(docker, artifact.id, config, { stage: query.stage, fingerprint: query.fingerprint }, new AbortController().signal, quiet);
  return { ...artifact, customData: { ...artifact.customData, ...pushed } };
}
