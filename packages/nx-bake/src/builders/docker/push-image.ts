import type Docker from 'dockerode';
import type { BuildRequest } from '../builder';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import { undoPushedTag } from './registry-inventory';
import { pushImage } from './registry-push';
import { fingerprintTag, registryOf } from './registry-ref';
import type { DockerBuildState } from './state';

/**
 * After the commit, with `push: true`: pushes the image and records its repo digest and fingerprint tag beside
 * the image ID. A failed or interrupted push fails the build (no manifest is written) and its cleanup undoes
 * what reached the registry; the committed image stays in the engine, and the next bake adopts and pushes it.
 * The tags are journaled as `published` before the first byte goes: if the bake then ends without a manifest
 * (or is killed), the engine, or `gc --leaked`, undoes them.
 */
export function pushImageStep(docker: Docker, request: BuildRequest, config: DockerBuilderConfig): Step<DockerBuildState> {
  const fingerprint = request.labels['nx-bake.fingerprint'];
  return {
    name: 'push-image',
    async run(state, { signal, log }) {
      const artifact = state.artifact;
      if (!artifact) throw new Error('no committed image to push');
      const repository = registryOf(config.repository)?.repository ?? config.repository;
      state.pushedTags = [`${repository}:${config.tag}`, `${repository}:${fingerprintTag(request.stage, fingerprint)}`];
      for (const id of state.pushedTags) request.journal?.created({ kind: 'registry-tag', id, runId: request.runId, published: true });
      const pushed = await pushImage(docker, artifact.id, config, { stage: request.stage, fingerprint }, signal, log);
      state.artifact = { ...artifact, customData: { ...artifact.customData, ...pushed } };
    },
    // On success the tags stay journaled until the manifest records them (engine/bake-stage.ts).
    async cleanup(state, { log }, outcome) {
      if (outcome.kind === 'succeeded' || !state.pushedTags) return;
      for (const id of state.pushedTags) {
        log.info(await undoPushedTag(id, request.runId, config));
        request.journal?.removed({ kind: 'registry-tag', id });
      }
    },
  };
}
