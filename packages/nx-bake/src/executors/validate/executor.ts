import type { ExecutorContext } from '@nx/devkit';
import { validatePipeline } from '../../pipeline/validate';
import { asList } from '../../nx/option-lists';
import { runExecutor } from '../run-executor';

export interface ValidateExecutorOptions {
  pipeline: string;
  var?: string | string[];
  varFile?: string | string[];
}

export default async function validateExecutor(options: ValidateExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const otherPipelines = Object.values(context.projectsConfigurations.projects)
    .map((project) => (project.metadata?.nxBake as { pipelineFile?: string } | undefined)?.pipelineFile)
    .filter((file): file is string => Boolean(file) && file !== options.pipeline);
  return runExecutor(async () => {
    const pipeline = validatePipeline({
      workspaceRoot: context.root,
      pipelineFile: options.pipeline,
      otherPipelineFiles: [...new Set(otherPipelines)],
      knownProjects: Object.keys(context.projectsConfigurations.projects),
      vars: asList(options.var),
      varFiles: asList(options.varFile),
      requireStageFolders: true,
    });
    console.log(`${options.pipeline}: pipeline ${pipeline.name} is valid (${pipeline.stages.length} ${pipeline.stages.length === 1 ? 'stage' : 'stages'})`);
  });
}
