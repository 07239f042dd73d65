/** Rendering a stage for one build: what `renderValue` does, over the parts of a stage that are templates. */
import { throwIfAny, type Diagnostic } from '../diagnostics';
import { sourceOf, type Path } from '../positions';
import type { BaseReference, BuilderConfig, Pipeline, ProvisionerConfig, Stage, StageBuilder } from '../types';
import type { TemplateContext } from './context';
import { renderDeep } from './render';

type Render = (value: unknown, path: Path) => unknown;

/**
 * The stage with its builder configs, provisioners (except shell `execute_command`, rendered at run
 * time with `path` and `vars`), `from` image refs and tags rendered; every error of the stage at once.
 */
export function renderStage(pipeline: Pipeline, stage: Stage, context: TemplateContext): Stage {
  const stagePath = pathOf(pipeline, stage);
  const diagnostics: Diagnostic[] = [];
  const render: Render = (value, path) => renderDeep(value, context, path, pipeline, diagnostics);

  const builders: StageBuilder[] = stage.builders.map((builder) => ({ ...builder, config: builderConfig(pipeline, stagePath, builder, render) }));

  let from: BaseReference = stage.from;
  if (from.kind === 'image') {
    const image = from.image;
    from = {
      kind: 'image',
      image:
        typeof image === 'string'
          ? (render(image, [...stagePath, 'from', 'image']) as string)
          : Object.fromEntries(Object.entries(image).map(([name, ref]) => [name, render(ref, [...stagePath, 'from', 'image', name]) as string])),
    };
  }

  const provisioners = stage.provisioners.map((provisioner, i) => {
    const path = [...stagePath, 'provisioners', i];
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(provisioner)) {
      out[key] = key === 'type' || (provisioner.type === 'shell' && key === 'execute_command') ? value : render(value, [...path, key]);
    }
    return out as unknown as ProvisionerConfig;
  });

  const tags = Object.fromEntries(Object.entries(stage.tags).map(([key, value]) => [key, render(value, [...stagePath, 'tags', key]) as string]));

  throwIfAny(diagnostics);
  return { ...stage, from, builders, provisioners, tags };
}

/** One builder's config as `renderStage` renders it, without the rest of the stage (for talking to the provider). */
export function renderBuilderConfig(pipeline: Pipeline, stage: Stage, builder: StageBuilder, context: TemplateContext): BuilderConfig {
  const diagnostics: Diagnostic[] = [];
  const config = builderConfig(pipeline, pathOf(pipeline, stage), builder, (value, path) => renderDeep(value, context, path, pipeline, diagnostics));
  throwIfAny(diagnostics);
  return config;
}

function pathOf(pipeline: Pipeline, stage: Stage): Path {
  return ['stages', pipeline.stages.findIndex((candidate) => candidate.name === stage.name)];
}

/** Every key but `type` rendered; an error in a key the stage overrides is reported at the override. */
function builderConfig(pipeline: Pipeline, stagePath: Path, builder: StageBuilder, render: Render): BuilderConfig {
  const source = sourceOf(pipeline);
  const config: BuilderConfig = { type: builder.config.type };
  for (const [key, value] of Object.entries(builder.config)) {
    if (key === 'type') continue;
    const overridePath = [...stagePath, 'builder_overrides', builder.name, key];
    config[key] = render(value, source?.has(overridePath) ? overridePath : ['builders', builder.name, key]);
  }
  return config;
}
