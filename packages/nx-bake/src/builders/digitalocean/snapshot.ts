import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import { ignoreNotFound, type DigitalOceanApi } from './api-client';
import { runDropletAction } from './actions';
import type { DigitalOceanBuilderConfig } from './config';
import type { DigitalOceanBuildState } from './state';
import { artifactId, fingerprintTag, NX_BAKE_TAG, runTag, stageTag, tag } from './tags';
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
      const name = config.snapshotName ?? `nx-bake-${request.pipeline}-${request.stage}-${request.runId.slice(0, 8)}`;
      await runDropletAction(api, dropletId, { type: 'snapshot', name }, { timeoutMs: config.snapshotTimeoutMs, intervalMs: config.pollIntervalMs, signal });
      const { snapshots } = await api.get<{ snapshots: Image[] }>(`/v2/droplets/${dropletId}/snapshots?per_page=200`);
      const image = snapshots.filter((snapshot) => snapshot.name === name).pop();
      if (!image) throw new Error(`droplet ${dropletId} has no snapshot named ${name} after the snapshot action`);
      state.imageId = image.id;
      log.info(`snapshot ${image.id} (${name}) created`);
      const tags = [
        NX_BAKE_TAG,
        stageTag(request.pipeline, request.stage),
        fingerprintTag(request.labels['nx-bake.fingerprint']),
        runTag(request.runId),
        tag('base', request.baseImage),
      ];
      for (const name of tags) {
        // Interrupted while tagging: the cleanup, told so, deletes the snapshot.
        if (signal.aborted) throw signal.reason ?? new Error('interrupted');
        await api.post('/v2/tags', { name });
        await api.post(`/v2/tags/${encodeURIComponent(name)}/resources`, { resources: [{ resource_id: String(image.id), resource_type: 'image' }] });
      }
      state.artifact = {
        builderName: request.builderName,
        builderType: 'digitalocean',
        id: artifactId(config.region, image.id),
        files: [],
        customData: { snapshot_name: name, region: config.region },
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
