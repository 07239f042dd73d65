import { configureBuilder, selectBuilders, type ConfiguredBuilder } from '../engine/stage-builders';
import { templateContext } from '../pipeline/template';
import type { Pipeline } from '../pipeline/types';
import { resolveVariables } from '../pipeline/variables';

export interface LifecycleInputs {
  workspaceRoot: string;
  vars?: string[];
  varFiles?: string[];
  env?: NodeJS.ProcessEnv;
  /** Builder names or types; without it, the builders the stages bake with by default. */
  only?: string[];
}

/**
 * The pipeline's builders, each configured as the first stage using it renders it. One per name: a listing
 * covers the whole registry or account, whatever a stage overrides (a tag, a size).
 */
export function configuredBuilders(pipeline: Pipeline, inputs: LifecycleInputs): ConfiguredBuilder[] {
  const env = inputs.env ?? process.env;
  const variables = resolveVariables(pipeline, { vars: inputs.vars, varFiles: inputs.varFiles, env, workspaceRoot: inputs.workspaceRoot });
  const found = new Map<string, ConfiguredBuilder>();
  for (const stage of pipeline.stages) {
    for (const entry of selectBuilders(stage, inputs.only).filter((candidate) => !found.has(candidate.name))) {
      const context = templateContext({ pipeline, stage, builder: entry, variables: variables.values, baseArtifactId: '', buildTime: new Date(), runId: 'lifecycle', env, workspaceRoot: inputs.workspaceRoot });
      found.set(entry.name, configureBuilder(pipeline, stage, entry, context));
    }
  }
  if (inputs.only?.length && found.size === 0) throw new Error(`pipeline ${pipeline.name} has no builder matching --only=${inputs.only.join(',')}`);
  return [...found.values()];
}
