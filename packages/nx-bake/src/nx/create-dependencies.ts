import type { CreateDependencies, RawProjectGraphDependency } from '@nx/devkit';
// Not from @nx/devkit, which would load most of Nx into the plugin's worker (see create-nodes.ts).
import { DependencyType } from 'nx/src/config/project-graph';
import type { StageMetadata } from './names';

/** Edges the graph shows: stage → its base stage (across pipelines too), stage → the projects it bakes in, pipeline → its stages. */
export const createDependencies: CreateDependencies = (_options, context) => {
  const dependencies: RawProjectGraphDependency[] = [];
  const add = (source: string, target: string) => {
    if (context.projects[target]) dependencies.push({ source, target, type: DependencyType.implicit });
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
