import type { ExecutorContext } from '@nx/devkit';
import { revoke } from '../../lifecycle/revoke';
import { lifecycleContext, type LifecycleExecutorOptions } from '../../nx/lifecycle-context';
import { runExecutor } from '../run-executor';

export interface RevokeExecutorOptions extends LifecycleExecutorOptions {
  artifact: string;
  descendants?: boolean;
  reason?: string;
}

export default async function revokeExecutor(options: RevokeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runExecutor(async () => {
    const { pipeline, inputs, pipelineDirOf, say } = lifecycleContext(options, context);
    await revoke({ ...inputs, pipeline, artifact: options.artifact, descendants: options.descendants, reason: options.reason, pipelineDirOf, say });
  });
}
