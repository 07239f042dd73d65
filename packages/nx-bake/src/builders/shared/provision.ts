import type { Step } from '../../steps/step';
import type { BuildRequest, BuildState } from '../builder';

/** Every builder's provision step: hands the communicator its connect step opened to the stage's provisioners. */
export function provisionStep(request: BuildRequest): Step<BuildState> {
  return {
    name: 'provision',
    async run(state, { signal }) {
      if (!state.communicator) throw new Error('no communicator: the connect step did not run');
      await request.provision(state.communicator, signal);
    },
  };
}
