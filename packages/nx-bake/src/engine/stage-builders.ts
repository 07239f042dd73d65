import type { Builder } from '../builders/builder';
import { builderFor } from '../builders/registry';
import { renderBuilderConfig, type TemplateContext } from '../pipeline/template';
import type { BuilderConfig, Pipeline, Stage, StageBuilder } from '../pipeline/types';

/** A stage's builder as nx-bake talks to the provider: the builder's implementation and its rendered settings. */
export interface ConfiguredBuilder {
  name: string;
  /** The implementation of the config's type, from the registry. */
  builder: Builder;
  /** Rendered as a bake renders it (variables, env), so it reaches the same registry, region and account. */
  config: BuilderConfig;
}

/** `--only` picks among every builder the stage can use, by name or type; without it, the stage's default builders bake. */
export function selectBuilders(stage: Stage, only: string[] | undefined): StageBuilder[] {
  if (!only?.length) return stage.builders.filter((builder) => stage.defaultBuilders.includes(builder.name));
  return stage.builders.filter((builder) => only.includes(builder.name) || only.includes(builder.config.type));
}

/** The builder's config alone rendered, for what talks to the provider without building (gc, promote, revoke, sweeps). */
export function configureBuilder(pipeline: Pipeline, stage: Stage, entry: StageBuilder, context: TemplateContext): ConfiguredBuilder {
  const config = renderBuilderConfig(pipeline, stage, entry, context);
  return { name: entry.name, builder: builderFor(config.type), config };
}
