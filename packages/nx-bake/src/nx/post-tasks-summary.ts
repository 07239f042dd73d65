import type { PostTasksExecution } from '@nx/devkit';
import { targetNames, type NxBakePluginOptions } from './names';
import { emitPluginWorkerLog } from './nx-internals';
import { parseOutcomeLine } from './outcome-line';

const FROM_CACHE = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);

/**
 * After every Nx run that baked, one line per stage: `built`, `adopted` or `cached` and why. Nx's own
 * cache hits never reach our executor, so their status comes from Nx and the stage from the replayed output.
 */
export const postTasksExecution: PostTasksExecution<NxBakePluginOptions> = (options, context) => {
  const lines = summaryLines(options, context.taskResults as Record<string, { task: { target: { project: string; target: string } }; status: string; terminalOutput?: string }>);
  // This runs in a plugin worker whose own stdout Nx may drop when it exits right after the hook: the line
  // goes to the Nx process over the worker's socket, ahead of the hook's result (or to stdout without isolation).
  if (lines.length) emitPluginWorkerLog('log', `\nnx-bake summary\n${lines.map((line) => `  ${line}`).join('\n')}`);
};

export function summaryLines(
  options: NxBakePluginOptions | undefined,
  results: Record<string, { task: { target: { project: string; target: string } }; status: string; terminalOutput?: string }>,
): string[] {
  const bake = targetNames(options).bake;
  const lines: string[] = [];
  for (const result of Object.values(results)) {
    if (result.task.target.target !== bake) continue;
    const parsed = parseOutcomeLine(result.terminalOutput ?? '');
    const name = parsed?.stage ?? result.task.target.project;
    if (FROM_CACHE.has(result.status)) {
      if (parsed) lines.push(`${name}: cached (Nx ${result.status.replace('-kept-existing', '')})`);
    } else if (result.status === 'success') {
      if (parsed) lines.push(`${name}: ${parsed.outcome}${parsed.reasons ? ` (${parsed.reasons})` : ''}`);
    } else if (result.status === 'failure') {
      lines.push(`${name}: failed`);
    }
  }
  return lines;
}
