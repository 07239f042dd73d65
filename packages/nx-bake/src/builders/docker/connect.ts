import type Docker from 'dockerode';
import { DockerExecCommunicator } from '../../communicators/docker';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import type { DockerBuildState } from './state';

/** Opens the communicator provisioners use: `docker exec` into the build container. */
export function connectStep(docker: Docker, config: DockerBuilderConfig): Step<DockerBuildState> {
  return {
    name: 'connect',
    async run(state) {
      if (!state.containerId) throw new Error('no container to connect to');
      state.communicator = new DockerExecCommunicator(docker, state.containerId, { env: config.env, user: config.execUser });
    },
    async cleanup(state) {
      await state.communicator?.close();
    },
  };
}
