import type Docker from 'dockerode';
import type { Step } from '../../steps/step';
import type { DockerBuildState } from './state';

/** Stops the container so nothing writes to its filesystem while it is committed. */
export function stopContainerStep(docker: Docker): Step<DockerBuildState> {
  return {
    name: 'stop-container',
    async run(state) {
      if (!state.containerId) throw new Error('no container to stop');
      const container = docker.getContainer(state.containerId);
      try {
        await container.stop({ t: 10 });
      } catch (error) {
        // 304: already stopped, which is what we want.
        if ((error as { statusCode?: number }).statusCode !== 304) throw error;
      }
    },
  };
}
