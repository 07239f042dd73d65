import type { ExecutorContext } from '@nx/devkit';
import { channelStatuses, formatChannelStatus } from '../../lifecycle/channel-status';
import { lifecycleContext } from '../../nx/lifecycle-context';
import { runExecutor } from '../run-executor';

export interface ChannelsExecutorOptions {
  pipeline: string;
  json?: boolean;
}

export default async function channelsExecutor(options: ChannelsExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runExecutor(async () => {
    const { pipeline, revocations } = lifecycleContext(options, context);
    const statuses = channelStatuses(context.root, pipeline, revocations());
    if (options.json) console.log(JSON.stringify(statuses, null, 2));
    else if (!statuses.length) console.log(`${pipeline.name}: no channels yet (nx run ${pipeline.name}:promote --stage <stage> --channel <name>)`);
    else for (const status of statuses) console.log(formatChannelStatus(status, pipeline.name).join('\n'));
  });
}
