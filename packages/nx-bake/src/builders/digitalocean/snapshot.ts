import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import { ignoreNotFound, type ApiRequest, type DigitalOceanApi } from './api-client';
import { runDropletAction, transferImage, type DropletAction } from './actions';
import type { DigitalOceanBuilderConfig } from './config';
import type { DigitalOceanBuildState } from './state';
import { artifactId, builderTag, buildName, fingerprintTag, NX_BAKE_TAG, runTag, stageTag, tag } from './tags';
import type { Image } from './types';

/**
 * Snapshots the stopped droplet, finds the new image, and tags it with our labels (the fingerprint tag is
 * what adoption looks for). A snapshot of a build that fails or is interrupted is deleted, not left to cost money.
 */
export function snapshotStep(api: DigitalOceanApi, request: BuildRequest, config: DigitalOceanBuilderConfig): Step<DigitalOceanBuildState> {
  return {
    name: 'snapshot',
    async run(state, { log, signal }) {
      const dropletId = state.dropletId!;
      const action = snapshotAction(request, config);
      const { name } = action;
      await runDropletAction(api, dropletId, action, { timeoutMs: config.snapshotTimeoutMs, intervalMs: config.pollIntervalMs, signal });
      const { snapshots } = await api.get<{ snapshots: Image[] }>(`/v2/droplets/${dropletId}/snapshots?per_page=200`);
      const image = snapshots.filter((snapshot) => snapshot.name === name).pop();
      if (!image) throw new Error(`droplet ${dropletId} has no snapshot named ${name} after the snapshot action`);
      state.imageId = image.id;
      log.info(`snapshot ${image.id} (${name}) created`);
      for (const name of snapshotTags(request)) {
        // Interrupted while tagging: the cleanup, told so, deletes the snapshot.
        if (signal.aborted) throw signal.reason ?? new Error('interrupted');
        for (const call of tagImageRequests(name, image.id)) await api.post(call.path, call.body);
      }
      // snapshot_regions: transferred once tagged, as Packer does, and waited for (an image is usable in a
      // region only once its transfer completed). A failure deletes the snapshot, like any failure here.
      const transfers = config.snapshotRegions.filter((region) => region !== config.region);
      await Promise.all(
        transfers.map(async (region) => {
          await transferImage(api, image.id, region, { timeoutMs: config.snapshotTimeoutMs, intervalMs: config.pollIntervalMs, signal });
          log.info(`snapshot ${image.id} transferred to ${region}`);
        }),
      );
      state.artifact = {
        builderName: request.builderName,
        builderType: 'digitalocean',
        id: artifactId(config.region, image.id),
        files: [],
        customData: { snapshot_name: name, region: config.region, ...(transfers.length ? { regions: [config.region, ...transfers].join(',') } : {}) },
      };
      if (signal.aborted) throw signal.reason ?? new Error('interrupted');
    },
    async cleanup(state, { log }, outcome) {
      if (state.imageId === undefined || outcome.kind === 'succeeded') return;
      await api.delete(`/v2/images/${state.imageId}`).catch(ignoreNotFound);
      log.info(`deleted snapshot ${state.imageId} of the failed build`);
    },
  };
}

/** The snapshot is named `snapshot_name`, or after the stage and run. */
export function snapshotAction(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, config: Pick<DigitalOceanBuilderConfig, 'snapshotName'>) {
  return { type: 'snapshot', name: config.snapshotName ?? buildName(request) } satisfies DropletAction;
}

/** The labels a snapshot carries as tags: the fingerprint tag is what adoption looks for, the base its lineage. */
export function snapshotTags(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'builderName' | 'runId' | 'baseImage' | 'labels'>): string[] {
  return [NX_BAKE_TAG, stageTag(request.pipeline, request.stage), builderTag(request.builderName), fingerprintTag(request.labels['nx-bake.fingerprint']), runTag(request.runId), tag('base', request.baseImage)];
}

/** Tagging is two calls: create the tag (a no-op when it exists), then attach the image to it. */
export function tagImageRequests(name: string, imageId: number): ApiRequest[] {
  return [
    { path: '/v2/tags', body: { name } },
    { path: `/v2/tags/${encodeURIComponent(name)}/resources`, body: { resources: [{ resource_id: String(imageId), resource_type: 'image' }] } },
  ];
}
