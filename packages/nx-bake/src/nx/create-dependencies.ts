import type { CreateDependencies, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import type { StageMetadata } from './names';

/** Edges the graph shows: stage → its base stage (across pipelines too), stage → the projects it bakes in, pipeline → its stages. */
export const createDependencies: CreateDependencies = (_options, context) => {
  const dependencies: RawProjectGraphDependency[] = [];
  const add = (source: string, target: string) => {
    // The enum's value, as Nx stores it in the graph: naming it needs no Nx module in the plugin's worker.
    if (context.projects[target]) dependencies.push({ source, target, type: 'implicit' as DependencyType.implicit });
  };
  for (const [name, project] of Object.entries(context.projects)) {
    const nxBake = project.metadata?.nxBake as (StageMetadata & { stages?: string[] }) | undefined;
    if (!nxBake) continue;
    nxBake.stages?.forEach((stage) => add(name, stage));
    if (nxBake.baseProject) add(name, nxBake.baseProject);
    nxBake.bakes?.forEach((project) => add(name, project));
  }
  return dependencies;
};
