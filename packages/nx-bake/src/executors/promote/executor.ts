import type { ExecutorContext } from '@nx/devkit';
import { promote } from '../../lifecycle/promote';
import { lifecycleContext, type LifecycleExecutorOptions } from '../../nx/lifecycle-context';
import { runExecutor } from '../run-executor';

export interface PromoteExecutorOptions extends LifecycleExecutorOptions {
  stage: string;
  channel: string;
  to?: 'previous';
}

export default async function promoteExecutor(options: PromoteExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runExecutor(async () => {
    const { pipeline, inputs, revocations, say } = lifecycleContext(options, context);
    await promote({ ...inputs, pipeline, stage: options.stage, channel: options.channel, to: options.to, revocations: revocations(), say });
  });
}
