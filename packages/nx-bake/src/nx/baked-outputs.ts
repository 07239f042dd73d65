import type { ExecutorContext } from '@nx/devkit';
// Not @nx/devkit: it would load most of Nx into every stage's task process (~100 ms).
import { getOutputsForTargetAndConfiguration } from './nx-internals';

/** Where the projects a stage bakes in put their build output, relative to the workspace root. */
export function bakedOutputs(projects: string[], context: ExecutorContext): string[] {
  return projects.flatMap((name) => {
    const node = context.projectGraph.nodes[name];
    if (!node?.data.targets?.build) return [];
    return getOutputsForTargetAndConfiguration({ project: name, target: 'build' }, {}, node);
  });
}
