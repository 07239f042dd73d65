import { manifestPath, readManifestIfValid, type StageManifest } from '../artifacts/manifest';
import type { ArtifactQuery } from '../builders/builder';
import { builderFor } from '../builders/registry';
import { loadPipelineFile } from '../pipeline/load';
import { redactorFor, type Redactor } from '../pipeline/redact';
import { renderValue, templateContext } from '../pipeline/template';
import type { Pipeline, Stage, StageBuilder } from '../pipeline/types';
import { resolveVariables, type ResolvedVariables } from '../pipeline/variables';
import { fingerprintStage, type Fingerprint } from './fingerprint';
import { baseImageFor, resolveBase, type ResolvedBase } from './resolve-base';

export interface StageInputs {
  workspaceRoot: string;
  /** Pipeline file, relative to the workspace root. */
  pipelineFile: string;
  stage: string;
  vars?: string[] | Record<string, string>;
  varFiles?: string[];
  env?: NodeJS.ProcessEnv;
  /** Builder names (or types) to restrict to. */
  only?: string[];
  /** Build outputs of the baked-in Nx projects, relative to the workspace root. */
  bakedOutputs?: string[];
}

/** A stage with everything needed to decide what to do with it: what `bake` and `plan` share. */
export interface PreparedStage {
  pipeline: Pipeline;
  stage: Stage;
  variables: ResolvedVariables;
  redactor: Redactor;
  /** The builders this bake uses, their configs rendered (for talking to the provider). */
  builders: StageBuilder[];
  base: ResolvedBase;
  /** The base artifact (or external reference) each builder starts from. */
  baseImages: Record<string, string>;
  /** The stage's manifest as the last bake (or Nx's cache) left it. */
  previous?: StageManifest;
  manifestPath: string;
  gitCommit: string;
  buildTime: Date;
  runId: string;
  env: NodeJS.ProcessEnv;
}

export function prepareStage(inputs: StageInputs, facts: { gitCommit: string; buildTime: Date; runId: string }, parentManifest?: StageManifest): PreparedStage {
  const { workspaceRoot } = inputs;
  const env = inputs.env ?? process.env;
  const pipeline = loadPipelineFile(inputs.pipelineFile, { workspaceRoot });
  const stage = findStage(pipeline, inputs.stage);
  const variables = resolveVariables(pipeline, { vars: inputs.vars, varFiles: inputs.varFiles, env, workspaceRoot });
  const builders = selectBuilders(stage, inputs.only);
  const base = parentManifest && stage.from.kind === 'stage' ? { kind: 'stage' as const, ref: `${stage.from.pipeline}/${stage.from.stage}`, manifest: parentManifest } : resolveBase(stage, workspaceRoot);
  // An external base may itself be a template (`{{ var.base_image }}`): it is rendered before anything else.
  const context = templateContext({ pipeline, stage, variables: variables.values, ...facts, env, workspaceRoot });
  const from = renderValue(stage.from, context, { pipeline, path: ['stages', pipeline.stages.indexOf(stage), 'from'] }) as Stage['from'];
  const path = manifestPath(workspaceRoot, pipeline.name, stage.name);
  const baseImages = Object.fromEntries(builders.map((builder) => [builder.name, baseImageFor({ ...stage, from }, builder, base)]));
  // Looking up and verifying artifacts talks to the provider with the builder's real settings (a token
  // from a variable, a region): the configs are rendered here, before anything is built.
  const renderedBuilders = builders.map((builder) => ({
    name: builder.name,
    config: renderValue(builder.config, templateContext({ pipeline, stage, variables: variables.values, baseArtifactId: baseImages[builder.name], ...facts, env, workspaceRoot }), {
      pipeline,
      path: ['builders', builder.name],
    }) as StageBuilder['config'],
  }));
  const redactor = redactorFor(pipeline, variables);
  for (const builder of renderedBuilders) builderFor(builder.config.type).secrets?.(builder.config).forEach((secret) => redactor.add(secret));
  return {
    pipeline,
    stage,
    variables,
    redactor,
    builders: renderedBuilders,
    base,
    baseImages,
    manifestPath: path,
    previous: readManifestIfValid(path),
    env,
    ...facts,
  };
}

/** Only the builders of this bake count: a change to another builder's settings changes nothing built here. */
export function fingerprintOf(prepared: PreparedStage, inputs: StageInputs): Fingerprint {
  const used = new Set(prepared.builders.map((builder) => builder.name));
  return fingerprintStage({
    pipeline: prepared.pipeline,
    stage: { ...prepared.stage, builders: prepared.stage.builders.filter((builder) => used.has(builder.name)) },
    workspaceRoot: inputs.workspaceRoot,
    variables: prepared.variables.values,
    sensitive: prepared.variables.sensitive,
    base: prepared.baseImages,
    bakedOutputs: inputs.bakedOutputs ?? [],
  });
}

export function artifactQuery(prepared: PreparedStage, builder: StageBuilder, fingerprint: string, config = builder.config): ArtifactQuery {
  return { builderName: builder.name, config, pipeline: prepared.pipeline.name, stage: prepared.stage.name, fingerprint };
}

/** Whether the recorded manifest is current: same fingerprint, and every builder's artifact still exists with it. */
export async function previousIsCurrent(prepared: PreparedStage, fingerprint: string): Promise<boolean> {
  const previous = prepared.previous;
  if (previous?.fingerprint !== fingerprint) return false;
  for (const builder of prepared.builders) {
    const build = previous.builds.find((entry) => entry.name === builder.name);
    if (!build || !(await builderFor(builder.config.type).verifyArtifact(build.artifact_id, { ...artifactQuery(prepared, builder, fingerprint), recordedData: build.custom_data }))) return false;
  }
  return true;
}

function findStage(pipeline: Pipeline, name: string): Stage {
  const stage = pipeline.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`pipeline ${pipeline.name} (${pipeline.file}) has no stage named ${name}`);
  return stage;
}

/** `--only` picks among every builder the stage can use; without it, the stage's default builders bake. */
function selectBuilders(stage: Stage, only: string[] | undefined): StageBuilder[] {
  if (!only?.length) return stage.builders.filter((builder) => stage.defaultBuilders.includes(builder.name));
  const selected = stage.builders.filter((builder) => only.includes(builder.name) || only.includes(builder.config.type));
  if (!selected.length) {
    throw new Error(`stage ${stage.name} has no builder matching --only=${only.join(',')} (it has: ${stage.builders.map((b) => b.name).join(', ')})`);
  }
  return selected;
}
