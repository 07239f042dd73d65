import type Docker from 'dockerode';
import type { StageLogger } from '../../progress/stage-logger';
import type { DockerBuilderConfig } from './config';
import { inspectImage } from './images';
import { credentialsFor } from './registry-auth';
import { RegistryError } from './registry-client';
import { followStream } from './registry-push';
import { parseDigestReference, registryOf } from './registry-ref';

/**
 * A base stage's image that this engine lacks (built on another runner): pulled by the repo digest its
 * manifest records, and accepted only if it is the recorded image. Returns undefined when nothing records one.
 */
export async function pullBaseByDigest(docker: Docker, imageId: string, baseData: Record<string, string> | undefined, config: DockerBuilderConfig, signal: AbortSignal, log: StageLogger): Promise<Docker.ImageInspectInfo | undefined> {
  const reference = baseData?.repo_digest ? parseDigestReference(baseData.repo_digest) : undefined;
  if (!reference) return undefined;
  log.info(`base image ${imageId.slice(0, 19)} is not in this engine: pulling ${reference.repository}@${reference.digest}`);
  await pullReference(docker, `${reference.repository}@${reference.digest}`, reference.host, config, signal);
  const info = await inspectImage(docker, imageId);
  if (!info) {
    const pulled = await inspectImage(docker, `${reference.repository}@${reference.digest}`);
    throw new RegistryError(`registry ${reference.host}: ${reference.repository}@${reference.digest} is image ${pulled?.Id ?? '(none)'}, not the recorded base ${imageId} (digest mismatch)`);
  }
  return info;
}

/** `docker pull` of a reference, with the credentials for its registry (Docker's config, or the builder's). */
export async function pullReference(docker: Docker, reference: string, host: string | undefined, config: DockerBuilderConfig, signal: AbortSignal): Promise<void> {
  const credentials = host ? credentialsFor(host, config) : undefined;
  try {
    const stream = (await docker.pull(reference, { abortSignal: signal, ...(credentials ? { authconfig: credentials } : {}) })) as NodeJS.ReadableStream;
    await followStream(docker, stream);
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw new RegistryError(`${host ? `registry ${host}` : 'docker'}: pulling ${reference} failed: ${(error as Error).message}`);
  }
}

/** The registry host of an external image reference (`127.0.0.1:5000/team/base:1`), if it names one. */
export function hostOfReference(reference: string): string | undefined {
  return registryOf(reference.split('@')[0])?.host;
}
