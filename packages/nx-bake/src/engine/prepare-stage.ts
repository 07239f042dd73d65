import { baseBuildData } from '../artifacts/base-build';
import { readManifestIfValid, type StageManifest } from '../artifacts/manifest';
import type { ArtifactQuery } from '../builders/builder';
import { builderFor } from '../builders/registry';
import { loadPipelineFile } from '../pipeline/load';
import { manifestPath } from '../pipeline/output-paths';
import { variablesReadBy } from '../pipeline/stage-files';
import { redactorFor, type Redactor } from '../pipeline/redact';
import { renderStage, renderValue, templateContext, type TemplateContext } from '../pipeline/template';
import type { Pipeline, Stage, StageBuilder } from '../pipeline/types';
import { resolveVariables, type ResolvedVariables } from '../pipeline/variables';
import type { VaultResolver } from '../pipeline/vault-reference';
import { fingerprintStage, type Fingerprint } from './fingerprint';
import { baseImageFor, resolveBase, type ResolvedBase } from './resolve-base';
import { selectBuilders, type ConfiguredBuilder } from './stage-builders';

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

/** What one bake (or plan) of a stage is about, the same for each of its builders. */
export interface StageFacts {
  gitCommit: string;
  buildTime: Date;
  runId: string;
  /** What Vault references read as: the values a bake read up front (stage-secrets.ts), or placeholders (plan). */
  vault: VaultResolver;
}

/** One builder of a bake, rendered once: what finding, verifying and building its artifact use. */
export interface PreparedBuilder extends ConfiguredBuilder {
  /** The base artifact (or external reference) it starts from. */
  baseImage: string;
  /** What the base stage's manifest records with that artifact (e.g. a repo digest to pull it by). */
  baseData?: Record<string, string>;
  /** The stage rendered with this builder's base in the context: its config, provisioners, tags. */
  stage: Stage;
  /** For the files its provisioners render at build time (a `vars_template`). */
  context: TemplateContext;
}

/** A stage with everything needed to decide what to do with it: what `bake` and `plan` share. */
export interface PreparedStage extends StageFacts {
  pipeline: Pipeline;
  /** As loaded (templates unrendered): what the fingerprint hashes. */
  stage: Stage;
  variables: ResolvedVariables;
  redactor: Redactor;
  /** The builders this bake uses. */
  builders: PreparedBuilder[];
  base: ResolvedBase;
  /** The stage's manifest as the last bake (or Nx's cache) left it. */
  previous?: StageManifest;
  manifestPath: string;
  env: NodeJS.ProcessEnv;
  workspaceRoot: string;
}

export function prepareStage(inputs: StageInputs, facts: StageFacts, parentManifest?: StageManifest): PreparedStage {
  const { workspaceRoot } = inputs;
  const env = inputs.env ?? process.env;
  const pipeline = loadPipelineFile(inputs.pipelineFile, { workspaceRoot });
  const stage = findStage(pipeline, inputs.stage);
  // Only the Vault variables this stage reads are read from Vault (the others are placeholders it never renders).
  const vaultVariables = variablesReadBy(stage, pipeline, workspaceRoot);
  const variables = resolveVariables(pipeline, { vars: inputs.vars, varFiles: inputs.varFiles, env, workspaceRoot, vault: facts.vault, vaultVariables });
  const selected = selectBuilders(stage, inputs.only);
  if (inputs.only?.length && !selected.length) {
    throw new Error(`stage ${stage.name} has no builder matching --only=${inputs.only.join(',')} (it has: ${stage.builders.map((b) => b.name).join(', ')})`);
  }
  const base = parentManifest && stage.from.kind === 'stage' ? { kind: 'stage' as const, ref: `${stage.from.pipeline}/${stage.from.stage}`, manifest: parentManifest } : resolveBase(stage, workspaceRoot);
  // An external base may itself be a template (`{{ var.base_image }}`): it is rendered before anything else.
  const context = templateContext({ pipeline, stage, variables: variables.values, ...facts, env, workspaceRoot });
  const from = renderValue(stage.from, context, { pipeline, path: ['stages', pipeline.stages.indexOf(stage), 'from'] }) as Stage['from'];
  // Every base is known (or found missing: a plan then predicts a build) before any builder's stage is rendered.
  const baseImages = selected.map((entry) => baseImageFor({ ...stage, from }, entry, base));
  const path = manifestPath(workspaceRoot, pipeline.name, stage.name);
  const redactor = redactorFor(pipeline, variables);
  // Everything read from Vault, used or not, and the credentials that read it.
  for (const secret of facts.vault.secrets?.() ?? []) redactor.add(secret);
  const prepared: PreparedStage = {
    pipeline,
    stage,
    variables,
    redactor,
    builders: [],
    base,
    manifestPath: path,
    previous: readManifestIfValid(path),
    env,
    workspaceRoot,
    ...facts,
  };
  // Looking up and verifying artifacts talks to the provider with the builder's real settings (a token
  // from a variable, a region): each builder's stage is rendered here, before anything is built.
  try {
    prepared.builders = selected.map((entry, i) => prepareBuilder(prepared, entry, baseImages[i]));
  } catch (error) {
    // A template error may quote a rendered value, a secret too: redacted like every line of a bake.
    if (error instanceof Error) error.message = prepared.redactor.redact(error.message);
    throw error;
  }
  return prepared;
}

/** The stage rendered for one builder and its base; credentials its config carries are redacted from then on. */
function prepareBuilder(prepared: PreparedStage, entry: StageBuilder, baseImage: string): PreparedBuilder {
  const { pipeline, stage } = prepared;
  const context = templateContext({
    pipeline,
    stage,
    builder: entry,
    variables: prepared.variables.values,
    baseArtifactId: baseImage,
    gitCommit: prepared.gitCommit,
    buildTime: prepared.buildTime,
    runId: prepared.runId,
    env: prepared.env,
    workspaceRoot: prepared.workspaceRoot,
    vault: prepared.vault,
  });
  const rendered = renderStage(pipeline, stage, context);
  const config = rendered.builders.find((candidate) => candidate.name === entry.name)!.config;
  const builder = builderFor(config.type);
  builder.secrets?.(config).forEach((secret) => prepared.redactor.add(secret));
  return { name: entry.name, builder, config, baseImage, baseData: baseBuildData(prepared.base.manifest, entry, baseImage), stage: rendered, context };
}

/** The stage on other base artifacts (a recorded one was gone and replaced): those builders are rendered again. */
export function withBaseImages(prepared: PreparedStage, images: Record<string, string>): PreparedStage {
  const builders = prepared.builders.map((builder) =>
    images[builder.name] === builder.baseImage ? builder : prepareBuilder(prepared, prepared.stage.builders.find((entry) => entry.name === builder.name)!, images[builder.name]),
  );
  return { ...prepared, builders };
}

/** The base artifact (or external reference) each builder starts from, by builder name. */
export function baseImagesOf(prepared: PreparedStage): Record<string, string> {
  return Object.fromEntries(prepared.builders.map((builder) => [builder.name, builder.baseImage]));
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
    base: baseImagesOf(prepared),
    bakedOutputs: inputs.bakedOutputs ?? [],
  });
}

export function artifactQuery(prepared: PreparedStage, builder: ConfiguredBuilder, fingerprint: string): ArtifactQuery {
  return { builderName: builder.name, config: builder.config, pipeline: prepared.pipeline.name, stage: prepared.stage.name, fingerprint };
}

/** Whether the recorded manifest is current: same fingerprint, and every builder's artifact still exists with it. */
export async function previousIsCurrent(prepared: PreparedStage, fingerprint: string): Promise<boolean> {
  const previous = prepared.previous;
  if (previous?.fingerprint !== fingerprint) return false;
  for (const builder of prepared.builders) {
    const build = previous.builds.find((entry) => entry.name === builder.name);
    // What the manifest recorded with the artifact (a repo digest) is what verification checks at the provider.
    const query = { ...artifactQuery(prepared, builder, fingerprint), recordedData: build?.custom_data };
    if (!build || !(await builder.builder.verifyArtifact(build.artifact_id, query))) return false;
  }
  return true;
}

function findStage(pipeline: Pipeline, name: string): Stage {
  const stage = pipeline.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`pipeline ${pipeline.name} (${pipeline.file}) has no stage named ${name}`);
  return stage;
}
