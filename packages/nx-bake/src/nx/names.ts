/** How pipelines and stages are named in the Nx graph: one project per pipeline, one per stage. */
export function stageProjectName(pipeline: string, stage: string): string {
  return `${pipeline}-${stage}`;
}

export interface NxBakePluginOptions {
  bakeTargetName?: string;
  validateTargetName?: string;
  planTargetName?: string;
  gcTargetName?: string;
  promoteTargetName?: string;
  channelsTargetName?: string;
  revokeTargetName?: string;
}

export function targetNames(options: NxBakePluginOptions | undefined) {
  return {
    bake: options?.bakeTargetName ?? 'bake',
    validate: options?.validateTargetName ?? 'validate',
    plan: options?.planTargetName ?? 'plan',
    gc: options?.gcTargetName ?? 'gc',
    promote: options?.promoteTargetName ?? 'promote',
    channels: options?.channelsTargetName ?? 'channels',
    revoke: options?.revokeTargetName ?? 'revoke',
  };
}

/** Project metadata the plugin leaves for createDependencies and the executors. */
export interface StageMetadata {
  pipeline: string;
  stage: string;
  pipelineFile: string;
  baseProject?: string;
  bakes: string[];
}
