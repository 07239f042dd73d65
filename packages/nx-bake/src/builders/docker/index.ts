import Docker from 'dockerode';
import type { Artifact, ArtifactQuery, Builder, BuildRequest, BuildResource, BuildState, StoredArtifact } from '../builder';
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

  listArtifacts(): Promise<StoredArtifact[]> {
    return listDockerArtifacts(this.engine());
  }

  deleteArtifact(id: string): Promise<void> {
    return deleteDockerArtifact(this.engine(), id);
  }

  listBuildResources(): Promise<BuildResource[]> {
    return listDockerBuildContainers(this.engine());
  }

  async deleteBuildResource(resource: BuildResource): Promise<void> {
    if (resource.kind === 'container') await deleteDockerContainer(this.engine(), resource.id);
  }

  private engine(): Docker {
    return this.docker ?? new Docker();
  }

  steps(request: BuildRequest): Step<BuildState>[] {
    const config = parseDockerBuilderConfig(request.config, request.builderName);
    const docker = this.engine();
    return [
      pullImageStep(docker, request.baseImage, config),
      createContainerStep(docker, request, config),
      connectStep(docker, config),
      ...(config.systemd ? [waitForSystemdStep(config)] : []),
      provisionStep(request),
      stopContainerStep(docker, config.systemd),
      commitImageStep(docker, request, config),
    ];
  }
}
