import Docker from 'dockerode';
import type { Artifact, ArtifactQuery, Builder, BuildRequest, BuildResource, BuildState, StoredArtifact } from '../builder';
import type { BuilderConfig } from '../../pipeline/types';
import type { Step } from '../../steps/step';
import { provisionStep } from '../shared/provision';
import { findDockerArtifact, verifyDockerArtifact } from './artifacts';
import { commitImageStep } from './commit-image';
import { parseDockerBuilderConfig } from './config';
import { connectStep } from './connect';
import { createContainerStep } from './create-container';
import { keepOldestDockerImage } from './duplicates';
import { deleteDockerArtifact, deleteDockerContainer, listDockerArtifacts, listDockerBuildContainers } from './inventory';
import { pullImageStep } from './pull-image';
import { pushImageStep } from './push-image';
import { deleteRegistryArtifact, listRegistryArtifacts, undoPushedTag } from './registry-inventory';
import { stopContainerStep } from './stop-container';
import { waitForSystemdStep } from './wait-for-systemd';

export { parseDockerBuilderConfig, type DockerBuilderConfig } from './config';
export { findImageByLabels, imageExists } from './images';
export type { DockerBuildState } from './state';

/** Packer's docker builder: a container from the base image, provisioned over `docker exec`, committed to an image. */
export class DockerBuilder implements Builder {
  readonly type = 'docker';

  /** `docker` defaults to `new Docker()`, which honours DOCKER_HOST. */
  constructor(private readonly docker?: Docker) {}

  findArtifact(query: ArtifactQuery): Promise<Artifact | undefined> {
    return findDockerArtifact(this.engine(), query);
  }

  verifyArtifact(artifactId: string, query: ArtifactQuery): Promise<boolean> {
    return verifyDockerArtifact(this.engine(), artifactId, query);
  }

  keepOldest(built: Artifact, query: ArtifactQuery, since: Date, say: (message: string) => void): Promise<Artifact> {
    return keepOldestDockerImage(this.engine(), built, query, since, say);
  }

  /** The engine's images, and with `push: true` those only the registry holds (pushed from another runner). */
  async listArtifacts(config?: BuilderConfig): Promise<StoredArtifact[]> {
    const local = await listDockerArtifacts(this.engine());
    const parsed = config ? parseDockerBuilderConfig(config) : undefined;
    if (!parsed?.push) return local;
    const known = new Set(local.map((artifact) => artifact.id));
    return [...local, ...(await listRegistryArtifacts(parsed)).filter((artifact) => !known.has(artifact.id))];
  }

  /** Removes the image from the engine and, with `push: true`, its manifests from the registry (by digest). */
  async deleteArtifact(id: string, config?: BuilderConfig): Promise<void> {
    await deleteDockerArtifact(this.engine(), id);
    if (config) await deleteRegistryArtifact(id, parseDockerBuilderConfig(config));
  }

  listBuildResources(): Promise<BuildResource[]> {
    return listDockerBuildContainers(this.engine());
  }

  /** A container, or a registry tag a run pushed and no manifest records (undone only if it still names that run's image). */
  async deleteBuildResource(resource: BuildResource, config: BuilderConfig): Promise<void> {
    if (resource.kind === 'container') await deleteDockerContainer(this.engine(), resource.id);
    if (resource.kind === 'registry-tag') await undoPushedTag(resource.id, resource.runId ?? '', parseDockerBuilderConfig(config));
  }

  /** Registry passwords from the builder's config: redacted like sensitive variables. */
  secrets(config: BuilderConfig): string[] {
    const password = config.registry_password ?? config.login_password;
    return typeof password === 'string' && password ? [password] : [];
  }

  private engine(): Docker {
    return this.docker ?? new Docker();
  }

  steps(request: BuildRequest): Step<BuildState>[] {
    const config = parseDockerBuilderConfig(request.config, request.builderName);
    const docker = this.engine();
    return [
      pullImageStep(docker, request.baseImage, config, request.baseData),
      createContainerStep(docker, request, config),
      connectStep(docker, config),
      ...(config.systemd ? [waitForSystemdStep(config)] : []),
      provisionStep(request),
      stopContainerStep(docker, config.systemd),
      commitImageStep(docker, request, config),
      ...(config.push ? [pushImageStep(docker, request, config)] : []),
    ];
  }
}
