import type Docker from 'dockerode';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import { inspectImage } from './images';
import { hostOfReference, pullBaseByDigest, pullReference } from './pull-base';
import type { DockerBuildState } from './state';

/** Makes sure the base image is present (pulling it only when allowed and absent) and records its run config. */
export function pullImageStep(docker: Docker, image: string, config: DockerBuilderConfig, baseData?: Record<string, string>): Step<DockerBuildState> {
  return {
    name: 'pull-image',
    async run(state, { signal, log }) {
      if (!image) throw new Error('no base image given');
      // A base stage built on another runner: pulled by the digest its manifest records.
      let info = (await inspectImage(docker, image)) ?? (await pullBaseByDigest(docker, image, baseData, config, signal, log));
      if (!info) {
        if (!config.pull || image.startsWith('sha256:')) {
          throw new Error(`base image "${image}" is not present locally${config.pull ? ' (an image ID cannot be pulled)' : '; set "pull: true" on the builder to pull it'}`);
        }
        log.info(`pulling ${image}`);
        try {
          await pullReference(docker, image, hostOfReference(image), config, signal);
        } catch (error) {
          if (signal.aborted) throw error;
          throw new Error(`could not pull base image "${image}": ${error instanceof Error ? error.message : String(error)}`);
        }
        info = await inspectImage(docker, image);
        if (!info) throw new Error(`base image "${image}" is still missing after the pull`);
      }
      state.base = { id: info.Id, entrypoint: asList(info.Config?.Entrypoint), cmd: asList(info.Config?.Cmd) };
      log.info(`base image ${image} (${info.Id.slice(0, 19)})`);
    },
  };
}

function asList(value: string | string[] | null | undefined): string[] | null {
  if (value === undefined || value === null) return null;
  return Array.isArray(value) ? value : [value];
}
