import type { ExecutorContext } from '@nx/devkit';
import { channelStatuses, formatChannelStatus } from '../../lifecycle/channel-status';
import { lifecycleContext } from '../../nx/lifecycle-context';
import { describeError } from '../../nx/report-error';

export interface ChannelsExecutorOptions {
  pipeline: string;
  json?: boolean;
}

export default async function channelsExecutor(options: ChannelsExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const { pipeline, revocations } = lifecycleContext(options, context);
    const statuses = channelStatuses(context.root, pipeline, revocations());
    if (options.json) console.log(JSON.stringify(statuses, null, 2));
    else if (!statuses.length) console.log(`${pipeline.name}: no channels yet (nx run ${pipeline.name}:promote --stage <stage> --channel <name>)`);
    else for (const status of statuses) console.log(formatChannelStatus(status, pipeline.name).join('\n'));
    return { success: true };
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return { success: false };
  }
}
