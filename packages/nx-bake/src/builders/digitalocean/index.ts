import type { Step } from '../../steps/step';
import type { Artifact, ArtifactQuery, Builder, BuildRequest, BuildResource, BuildState, StoredArtifact } from '../builder';
import { provisionStep } from '../shared/provision';
import { DigitalOceanApi } from './api-client';
import { findSnapshot, verifySnapshot } from './artifacts';
import { parseDigitalOceanBuilderConfig, type DigitalOceanBuilderConfig } from './config';
import { connectStep } from './connect';
import { createDropletStep } from './create-droplet';
import { createSshKeyStep } from './create-ssh-key';
import { deleteBuildResource, deleteSnapshot, listBuildDroplets, listSnapshots } from './inventory';
import { shutdownStep } from './shutdown';
import { snapshotStep } from './snapshot';

export { parseDigitalOceanBuilderConfig, type DigitalOceanBuilderConfig } from './config';

/**
 * Packer's digitalocean builder: a droplet from a slug or the parent's snapshot, provisioned over SSH with a
 * temporary key, shut down, snapshotted and tagged; the droplet and key are removed whatever happens.
 */
export class DigitalOceanBuilder implements Builder {
  readonly type = 'digitalocean';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  steps(request: BuildRequest): Step<BuildState>[] {
    const config = parseDigitalOceanBuilderConfig(request.config, request.builderName, this.env);
    const api = this.api(config);
    return [
      createSshKeyStep(api, request),
      createDropletStep(api, request, config),
      connectStep(request, config),
      provisionStep(request),
      shutdownStep(api, config),
      snapshotStep(api, request, config),
    ];
  }

  findArtifact(query: ArtifactQuery): Promise<Artifact | undefined> {
    const config = parseDigitalOceanBuilderConfig(query.config, query.builderName, this.env);
    return findSnapshot(this.api(config), config, query);
  }

  verifyArtifact(artifactId: string, query: ArtifactQuery): Promise<boolean> {
    const config = parseDigitalOceanBuilderConfig(query.config, query.builderName, this.env);
    return verifySnapshot(this.api(config), artifactId, query);
  }

  listArtifacts(config: BuildRequest['config']): Promise<StoredArtifact[]> {
    const parsed = this.config(config);
    return listSnapshots(this.api(parsed), parsed);
  }

  deleteArtifact(id: string, config: BuildRequest['config']): Promise<void> {
    return deleteSnapshot(this.api(this.config(config)), id);
  }

  listBuildResources(config: BuildRequest['config']): Promise<BuildResource[]> {
    return listBuildDroplets(this.api(this.config(config)));
  }

  deleteBuildResource(resource: BuildResource, config: BuildRequest['config']): Promise<void> {
    return deleteBuildResource(this.api(this.config(config)), resource);
  }

  secrets(config: BuildRequest['config']): string[] {
    try {
      return [parseDigitalOceanBuilderConfig(config, 'digitalocean', this.env).apiToken];
    } catch {
      return [];
    }
  }

  private config(config: BuildRequest['config']): DigitalOceanBuilderConfig {
    return parseDigitalOceanBuilderConfig(config, 'digitalocean', this.env);
  }

  private api(config: DigitalOceanBuilderConfig): DigitalOceanApi {
    return new DigitalOceanApi({ url: config.apiUrl, token: config.apiToken });
  }
}
