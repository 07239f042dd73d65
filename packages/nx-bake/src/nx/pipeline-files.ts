import type { ExecutorContext } from '@nx/devkit';
import type { StageMetadata } from './names';

/** Pipeline name → pipeline file, from the plugin's project metadata. */
export function pipelineFiles(context: ExecutorContext): Record<string, string> {
  const files: Record<string, string> = {};
  for (const project of Object.values(context.projectsConfigurations.projects)) {
    const nxBake = project.metadata?.nxBake as StageMetadata | undefined;
    if (nxBake?.pipeline && nxBake.pipelineFile) files[nxBake.pipeline] = nxBake.pipelineFile;
  }
  return files;
}
