import { StopInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Step } from '../../steps/step';
import { pollUntil } from '../../util/poll';
import type { AmazonEbsBuilderConfig } from './config';
import { ec2Call, type Ec2Clients } from './ec2-client';
import { describeInstance } from './run-instance';
import type { AmazonEbsBuildState } from './state';

/** Stops the instance for a consistent image; forced when a clean stop takes longer than `shutdown_timeout`. */
export function stopInstanceStep(ec2: Ec2Clients, config: AmazonEbsBuilderConfig): Step<AmazonEbsBuildState> {
  return {
    name: 'stop-instance',
    async run(state, { log, signal }) {
      await state.communicator?.close();
      state.communicator = undefined;
      const instanceId = state.instanceId!;
      try {
        await stopAndWait(ec2.home, instanceId, false, { timeoutMs: config.shutdownTimeoutMs, intervalMs: config.pollIntervalMs, signal });
        log.info(`instance ${instanceId} stopped`);
      } catch (error) {
        if (signal.aborted) throw error;
        log.warn(`instance ${instanceId} did not stop in time (${(error as Error).message}); forcing it`);
        await stopAndWait(ec2.home, instanceId, true, { timeoutMs: config.stateTimeoutMs, intervalMs: config.pollIntervalMs, signal });
        log.info(`instance ${instanceId} stopped (forced)`);
      }
    },
  };
}

async function stopAndWait(client: EC2Client, instanceId: string, force: boolean, wait: { timeoutMs: number; intervalMs: number; signal: AbortSignal }): Promise<void> {
  await ec2Call('StopInstances', client.send(new StopInstancesCommand({ InstanceIds: [instanceId], Force: force }), { abortSignal: wait.signal }));
  await pollUntil(`instance ${instanceId} to stop`, async () => ((await describeInstance(client, instanceId))?.State?.Name === 'stopped' ? true : undefined), wait);
}
