import type Docker from 'dockerode';
import type { StageLogger } from '../../progress/stage-logger';
import type { DockerBuilderConfig } from './config';
import { credentialsFor } from './registry-auth';
import { RegistryClient, RegistryError } from './registry-client';
import { fingerprintTag, registryOf } from './registry-ref';

/** What a pushed artifact records beside its image ID (the manifest's `custom_data`). */
export interface PushedImage {
  /** `repository@sha256:…`: what another runner pulls, and what verification asks the registry for. */
  repo_digest: string;
  /** `repository:<stage>-<fingerprint>`: the immutable tag adoption on another runner looks up. */
  fingerprint_tag: string;
}

/**
 * Pushes `repository:tag` (the engine uploads the layers), checks that the registry holds the image under the
 * digest the engine reported, and adds the immutable fingerprint tag unless it exists (it is never moved).
 * Any failure is an error naming the registry; nothing is recorded then, and the local image stays.
 */
export async function pushImage(docker: Docker, imageId: string, config: DockerBuilderConfig, identity: { stage: string; fingerprint: string }, signal: AbortSignal, log: StageLogger): Promise<PushedImage> {
  const registry = registryOf(config.repository);
  if (!registry) throw new Error(`push: "${config.repository}" names no registry`);
  const credentials = credentialsFor(registry.host, config);
  log.info(`pushing ${registry.repository}:${config.tag} to ${registry.host}`);
  let reported: string | undefined;
  try {
    const stream = (await docker.getImage(registry.repository).push({ tag: config.tag, abortSignal: signal, ...(credentials ? { authconfig: credentials } : {}) })) as NodeJS.ReadableStream;
    await followStream(docker, stream, (event) => {
      const digest = (event.aux as { Digest?: string } | undefined)?.Digest;
      if (digest) reported = digest;
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw new RegistryError(`registry ${registry.host}: pushing ${registry.repository}:${config.tag} failed: ${(error as Error).message}`);
  }
  if (signal.aborted) throw signal.reason ?? new Error('interrupted');
  if (!reported) throw new RegistryError(`registry ${registry.host}: the push of ${registry.repository}:${config.tag} reported no digest`);
  const client = new RegistryClient(registry.host, credentials, { signal });
  const held = await client.manifest(registry.name, reported);
  if (!held) throw new RegistryError(`registry ${registry.host}: it does not hold ${registry.repository}@${reported}, which the push reported`);
  if (held.configDigest !== imageId) throw new RegistryError(`registry ${registry.host}: ${registry.repository}@${reported} is image ${held.configDigest}, not the pushed ${imageId} (digest mismatch)`);
  const immutable = fingerprintTag(identity.stage, identity.fingerprint);
  const existing = await client.manifest(registry.name, immutable);
  if (!existing) await client.tag(registry.name, immutable, held);
  else if (existing.configDigest !== imageId) log.info(`${registry.repository}:${immutable} already names ${existing.configDigest} (an earlier build of this fingerprint); it is not moved`);
  log.info(`pushed ${registry.repository}@${reported}`);
  return { repo_digest: `${registry.repository}@${reported}`, fingerprint_tag: `${registry.repository}:${immutable}` };
}

/** The engine's JSON progress stream of a push or pull; an `error` line is a failure (followProgress ignores it). */
export function followStream(docker: Docker, stream: NodeJS.ReadableStream, onEvent: (event: Record<string, unknown>) => void = () => undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : failure ? reject(new Error(failure)) : resolve()),
      (event: Record<string, unknown>) => {
        if (typeof event.error === 'string') failure ??= event.error;
        onEvent(event);
      },
    );
  });
}
