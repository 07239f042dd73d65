import { getOutputsForTargetAndConfiguration, type ExecutorContext } from '@nx/devkit';

/** Where the projects a stage bakes in put their build output, relative to the workspace root. */
export function bakedOutputs(projects: string[], context: ExecutorContext): string[] {
  return projects.flatMap((name) => {
    const node = context.projectGraph.nodes[name];
    if (!node?.data.targets?.build) return [];
    return getOutputsForTargetAndConfiguration({ project: name, target: 'build' }, {}, node);
  });
}
