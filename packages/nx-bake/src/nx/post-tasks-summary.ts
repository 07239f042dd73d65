import type { PostTasksExecution } from '@nx/devkit';
import { writeSync } from 'node:fs';
import { targetNames, type NxBakePluginOptions } from './names';
import { parseOutcomeLine } from './outcome-line';

const FROM_CACHE = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);

/**
 * After every Nx run that baked, one line per stage: `built`, `adopted` or `cached` and why. Nx's own
 * cache hits never reach our executor, so their status comes from Nx and the stage from the replayed output.
 */
export const postTasksExecution: PostTasksExecution<NxBakePluginOptions> = (options, context) => {
  const lines = summaryLines(options, context.taskResults as Record<string, { task: { target: { project: string; target: string } }; status: string; terminalOutput?: string }>);
  // Written synchronously: this runs in a plugin worker that Nx may stop as soon as the hook returns.
  if (lines.length) writeSync(1, `\nnx-bake summary\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
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
