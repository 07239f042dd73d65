import type { ExecutorContext } from '@nx/devkit';
import { collectGarbage } from '../../lifecycle/gc';
import { sweepLeaks } from '../../lifecycle/leaks';
import { lifecycleContext, type LifecycleExecutorOptions } from '../../nx/lifecycle-context';
import { parseDuration } from '../../util/duration';
import { runExecutor } from '../run-executor';

export interface GcExecutorOptions extends LifecycleExecutorOptions {
  apply?: boolean;
  leaked?: boolean;
  olderThan?: string | number;
  dryRun?: boolean;
}

export default async function gcExecutor(options: GcExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runExecutor(async () => {
    const { pipeline, inputs, pipelineDirs, say } = lifecycleContext(options, context);
    if (options.leaked) {
      const report = await sweepLeaks({ ...inputs, pipeline, olderThanMs: parseDuration(String(options.olderThan ?? '30m')), dryRun: options.dryRun, say });
      return report.failed.length === 0;
    }
    const report = await collectGarbage({ ...inputs, pipeline, pipelineDirs, apply: options.apply ?? false, say });
    return report.failed.length === 0;
  });
}
