import type { Builder } from '../builders/builder';
import { builderFor } from '../builders/registry';
import { renderValue, templateContext } from '../pipeline/template';
import type { BuilderConfig, Pipeline } from '../pipeline/types';
import { resolveVariables } from '../pipeline/variables';

export interface LifecycleInputs {
  workspaceRoot: string;
  vars?: string[];
  varFiles?: string[];
  env?: NodeJS.ProcessEnv;
  /** Builder names or types; without it, the builders the stages bake with by default. */
  only?: string[];
}

export interface ConfiguredBuilder {
  name: string;
  builder: Builder;
  /** Rendered as a bake renders it (variables, env), so it reaches the same registry, region and account. */
  config: BuilderConfig;
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
    const selected = inputs.only?.length
      ? stage.builders.filter((entry) => inputs.only!.includes(entry.name) || inputs.only!.includes(entry.config.type))
      : stage.builders.filter((entry) => stage.defaultBuilders.includes(entry.name));
    for (const entry of selected.filter((candidate) => !found.has(candidate.name))) {
      const context = templateContext({ pipeline, stage, variables: variables.values, baseArtifactId: '', buildTime: new Date(), runId: 'lifecycle', env, workspaceRoot: inputs.workspaceRoot });
      const config = renderValue(entry.config, context, { pipeline, path: ['builders', entry.name] }) as BuilderConfig;
      found.set(entry.name, { name: entry.name, builder: builderFor(config.type), config });
    }
  }
  if (inputs.only?.length && found.size === 0) throw new Error(`pipeline ${pipeline.name} has no builder matching --only=${inputs.only.join(',')}`);
  return [...found.values()];
}
