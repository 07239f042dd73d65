import type { Step } from '../../steps/step';
import type { DigitalOceanApi } from './api-client';
import { runDropletAction } from './actions';
import type { DigitalOceanBuilderConfig } from './config';
import type { DigitalOceanBuildState } from './state';

/** A graceful shutdown for a consistent snapshot; power off when it does not stop in time (as Packer does). */
export function shutdownStep(api: DigitalOceanApi, config: DigitalOceanBuilderConfig): Step<DigitalOceanBuildState> {
  return {
    name: 'shutdown',
    async run(state, { log, signal }) {
      await state.communicator?.close();
      state.communicator = undefined;
      const dropletId = state.dropletId!;
      try {
        await runDropletAction(api, dropletId, { type: 'shutdown' }, { timeoutMs: config.shutdownTimeoutMs, intervalMs: config.pollIntervalMs, signal });
        log.info(`droplet ${dropletId} shut down`);
      } catch (error) {
        if (signal.aborted) throw error;
        log.warn(`graceful shutdown of droplet ${dropletId} did not finish (${(error as Error).message}); powering off`);
        await runDropletAction(api, dropletId, { type: 'power_off' }, { timeoutMs: config.stateTimeoutMs, intervalMs: config.pollIntervalMs, signal });
        log.info(`droplet ${dropletId} powered off`);
      }
    },
  };
}
