import type { ExecutorContext } from '@nx/devkit';
import { revoke } from '../../lifecycle/revoke';
import { lifecycleContext, type LifecycleExecutorOptions } from '../../nx/lifecycle-context';
import { describeError } from '../../nx/report-error';

export interface RevokeExecutorOptions extends LifecycleExecutorOptions {
  artifact: string;
  descendants?: boolean;
  reason?: string;
}

export default async function revokeExecutor(options: RevokeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const { pipeline, inputs, pipelineDirOf, say } = lifecycleContext(options, context);
    await revoke({ ...inputs, pipeline, artifact: options.artifact, descendants: options.descendants, reason: options.reason, pipelineDirOf, say });
    return { success: true };
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return { success: false };
  }
}
