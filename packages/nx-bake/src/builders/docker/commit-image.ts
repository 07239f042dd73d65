import type Docker from 'dockerode';
import type { BuildRequest } from '../builder';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import type { DockerBuildState } from './state';

/**
 * Commits the stopped container into the artifact image: labels, `changes`, and the base image's own
 * Entrypoint/Cmd (the engine would otherwise carry the keep-alive entrypoint into the image).
 */
export function commitImageStep(docker: Docker, request: BuildRequest, config: DockerBuilderConfig): Step<DockerBuildState> {
  return {
    name: 'commit-image',
    async run(state, { log, signal }) {
      if (!state.containerId || !state.base) throw new Error('no container to commit');
      const tagged = config.repository ? `${config.repository}:${config.tag}` : undefined;
      const result = (await docker.getContainer(state.containerId).commit({
        // docker-modem sends `_query` as the query string (arrays as repeated `changes=` params) and `_body`
        // as the JSON body: the container config the engine applies `changes` to, then completes from the container.
        _query: {
          container: state.containerId,
          ...(config.repository ? { repo: config.repository, tag: config.tag } : {}),
          changes: config.changes,
          comment: `nx-bake ${request.pipeline}/${request.stage} (${request.builderName})`,
          author: 'nx-bake',
          pause: false,
        },
        _body: commitConfig(state.base, { ...config.labels, ...request.labels }),
      })) as { Id: string };
      state.artifact = {
        builderName: request.builderName,
        builderType: 'docker',
        id: result.Id,
        files: [],
        customData: tagged ? { tag: tagged } : {},
      };
      log.info(`committed image ${result.Id}${tagged ? ` as ${tagged}` : ''}`);
      // Interrupted while the engine committed: the image is not this build's artifact, and goes.
      if (signal.aborted) {
        state.artifact = undefined;
        await docker.getImage(result.Id).remove({ force: true }).catch(() => undefined);
        log.info(`removed image ${result.Id} of the interrupted build`);
        throw signal.reason ?? new Error('interrupted');
      }
    },
  };
}

/**
 * The engine fills an empty Entrypoint/Cmd from the container (the keep-alive). An empty but present
 * Entrypoint (`[]`) stops that, and since the container's Cmd is empty, an absent base Cmd stays absent.
 */
export function commitConfig(base: NonNullable<DockerBuildState['base']>, labels: Record<string, string>) {
  return { Entrypoint: base.entrypoint ?? [], Cmd: base.cmd, Labels: labels };
}
