import type Docker from 'dockerode';
import type { BuildRequest } from '../builder';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import { pushImage } from './registry-push';
import type { DockerBuildState } from './state';

/**
 * After the commit, with `push: true`: pushes the image and records its repo digest and fingerprint tag beside
 * the image ID. A failed or interrupted push fails the build (no manifest is written); the committed image
 * stays in the engine, and the next bake adopts it and pushes it again.
 */
export function pushImageStep(docker: Docker, request: BuildRequest, config: DockerBuilderConfig): Step<DockerBuildState> {
  return {
    name: 'push-image',
    async run(state, { signal, log }) {
      const artifact = state.artifact;
      if (!artifact) throw new Error('no committed image to push');
      const pushed = await pushImage(docker, artifact.id, config, { stage: request.stage, fingerprint: request.labels['nx-bake.fingerprint'] }, signal, log);
      state.artifact = { ...artifact, customData: { ...artifact.customData, ...pushed } };
    },
  };
}
