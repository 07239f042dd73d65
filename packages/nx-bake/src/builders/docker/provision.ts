import type { BuildRequest } from '../builder';
import type { Step } from '../../steps/step';
import type { DockerBuildState } from './state';

/** Hands the open communicator to the stage's provisioners. */
export function provisionStep(request: BuildRequest): Step<DockerBuildState> {
  return {
    name: 'provision',
    async run(state, { signal }) {
      if (!state.communicator) throw new Error('no communicator: the connect step did not run');
      await request.provision(state.communicator, signal);
    },
  };
}
