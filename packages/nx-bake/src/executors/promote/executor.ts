import type { ExecutorContext } from '@nx/devkit';
import { promote } from '../../lifecycle/promote';
import { lifecycleContext, type LifecycleExecutorOptions } from '../../nx/lifecycle-context';
import { describeError } from '../../nx/report-error';

export interface PromoteExecutorOptions extends LifecycleExecutorOptions {
  stage: string;
  channel: string;
  to?: 'previous';
}

export default async function promoteExecutor(options: PromoteExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const { pipeline, inputs, revocations, say } = lifecycleContext(options, context);
    await promote({ ...inputs, pipeline, stage: options.stage, channel: options.channel, to: options.to, revocations: revocations(), say });
    return { success: true };
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return { success: false };
  }
}
