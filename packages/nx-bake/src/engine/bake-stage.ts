import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestPath, newRunId, removeManifest, toManifestBuild, writeManifest, type StageManifest } from '../artifacts/manifest';
import type { Artifact, BuildRequest, BuildState } from '../builders/builder';
import { builderFor } from '../builders/registry';
import { loadPipelineFile } from '../pipeline/load';
import { redactorFor } from '../pipeline/redact';
import { renderStage, renderTemplateFile, renderValue, templateContext } from '../pipeline/template';
import type { Pipeline, Stage, StageBuilder } from '../pipeline/types';
import { resolveVariables } from '../pipeline/variables';
import { runProvisioner } from '../provisioners';
import type { Reporter } from '../progress/reporter';
import { createStageLogger } from '../progress/stage-logger';
import { gitCommit } from '../util/git';
import { fingerprintStage } from './fingerprint';
import { baseImageFor, resolveBase } from './resolve-base';
import { runSteps } from './run-steps';

export interface BakeStageOptions {
  workspaceRoot: string;
  /** Pipeline file, relative to the workspace root. */
  pipelineFile: string;
  stage: string;
  vars?: string[] | Record<string, string>;
  varFiles?: string[];
  env?: NodeJS.ProcessEnv;
  onError?: 'cleanup' | 'abort';
  /** Builder names (or types) to restrict the bake to. */
  only?: string[];
  /** Build outputs of the baked-in Nx projects, relative to the workspace root. */
  bakedOutputs?: string[];
  signal: AbortSignal;
  /** Chooses the reporter once the stage's builders are known. */
  reporter: (sources: string[]) => Reporter;
}

export interface BakeStageResult {
  manifest: StageManifest;
  path: string;
}

/** Loads the stage, resolves its base, and runs each of its builders' lifecycles; writes the manifest on success only. */
export async function bakeStage(options: BakeStageOptions): Promise<BakeStageResult> {
  const started = Date.now();
  const { workspaceRoot } = options;
  const env = options.env ?? process.env;
  const pipeline = loadPipelineFile(options.pipelineFile, { workspaceRoot });
  const stage = findStage(pipeline, options.stage);
  const variables = resolveVariables(pipeline, { vars: options.vars, varFiles: options.varFiles, env, workspaceRoot });
  const redactor = redactorFor(pipeline, variables);
  const builders = selectBuilders(stage, options.only);
  const path = manifestPath(workspaceRoot, pipeline.name, stage.name);
  // A failed bake must leave no manifest: not even the previous one, which Nx would cache as this run's output.
  removeManifest(path);

  const runId = newRunId();
  const buildTime = new Date();
  const commit = gitCommit(workspaceRoot);
  const base = resolveBase(stage, workspaceRoot);
  // An external base may itself be a template (`{{ var.base_image }}`); it is rendered before anything else.
  const baseContext = templateContext({ pipeline, stage, variables: variables.values, gitCommit: commit, buildTime, runId, env, workspaceRoot });
  const from = renderValue(stage.from, baseContext, { pipeline, path: ['stages', pipeline.stages.indexOf(stage), 'from'] }) as Stage['from'];
  const baseImages = Object.fromEntries(builders.map((builder) => [builder.name, baseImageFor({ ...stage, from }, builder, base)]));
  const sourceOf = (builder: StageBuilder) => `${pipeline.name}/${stage.name}${builders.length > 1 ? `:${builder.name}` : ''}`;
  const reporter = options.reporter(builders.map(sourceOf));

  try {
    const contexts = Object.fromEntries(
      builders.map((builder) => [
        builder.name,
        templateContext({
          pipeline,
          stage,
          variables: variables.values,
          baseArtifactId: baseImages[builder.name],
          gitCommit: commit,
          buildTime,
          runId,
          env,
          workspaceRoot,
        }),
      ]),
    );
    const rendered = Object.fromEntries(builders.map((builder) => [builder.name, renderStage(pipeline, stage, contexts[builder.name])]));
    const fingerprint = fingerprintStage({
      pipeline,
      stage,
      workspaceRoot,
      variables: variables.values,
      sensitive: variables.sensitive,
      base: baseImages,
      bakedOutputs: options.bakedOutputs ?? [],
    });

    const artifacts = await Promise.all(
      builders.map(async (builder) => {
        const renderedStage = rendered[builder.name];
        const renderedBuilder = renderedStage.builders.find((entry) => entry.name === builder.name)!;
        const log = createStageLogger(sourceOf(builder), reporter, redactor);
        const tempDir = mkdtempSync(join(tmpdir(), 'nx-bake-'));
        const request: BuildRequest = {
          pipeline: pipeline.name,
          stage: stage.name,
          builderName: builder.name,
          config: renderedBuilder.config,
          baseImage: baseImages[builder.name],
          labels: {
            'nx-bake.pipeline': pipeline.name,
            'nx-bake.stage': stage.name,
            'nx-bake.fingerprint': fingerprint.value,
            'nx-bake.base': baseImages[builder.name],
            'nx-bake.run': runId,
            ...renderedStage.tags,
          },
          runId,
          onError: options.onError ?? 'cleanup',
          provision: async (communicator, signal) => {
            for (const provisioner of renderedStage.provisioners) {
              if (signal.aborted) throw signal.reason ?? new Error('interrupted');
              await runProvisioner(provisioner, {
                communicator,
                log,
                signal,
                pipelineDir: join(workspaceRoot, pipeline.dir),
                workspaceRoot,
                builderName: builder.name,
                builderType: builder.config.type,
                tempDir,
                renderFile: (file) => renderTemplateFile(join(workspaceRoot, pipeline.dir, file), contexts[builder.name]),
              });
            }
          },
        };
        const state: BuildState = {};
        const source = sourceOf(builder);
        try {
          await runSteps(
            builderFor(builder.config.type).steps(request),
            state,
            { signal: options.signal, log },
            {
              onStepStart: (step) => reporter.stepStarted(source, step),
              onStepEnd: (step, error) => {
                log.flush();
                reporter.stepFinished(source, step, error);
              },
            },
          );
        } finally {
          log.flush();
          rmSync(tempDir, { recursive: true, force: true });
        }
        if (!state.artifact) throw new Error(`${source}: the ${builder.config.type} builder produced no artifact`);
        return state.artifact;
      }),
    );

    const manifest = buildManifest(pipeline, stage, artifacts, {
      runId,
      buildTime,
      commit,
      fingerprint: fingerprint.value,
      fingerprintParts: fingerprint.parts,
      base: {
        kind: base.kind,
        ref: base.kind === 'image' ? [...new Set(Object.values(baseImages))].join(',') : base.ref,
        fingerprint: base.manifest?.fingerprint,
        artifacts: baseImages,
      },
      started,
    });
    // Secrets that reached a tag or label through a template must not reach the manifest either.
    writeManifest(path, redactor.redactValue(manifest));
    return { manifest, path };
  } finally {
    await reporter.close();
  }
}

function findStage(pipeline: Pipeline, name: string): Stage {
  const stage = pipeline.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`pipeline ${pipeline.name} (${pipeline.file}) has no stage named ${name}`);
  return stage;
}

function selectBuilders(stage: Stage, only: string[] | undefined): StageBuilder[] {
  if (!only?.length) return stage.builders;
  const selected = stage.builders.filter((builder) => only.includes(builder.name) || only.includes(builder.config.type));
  if (!selected.length) {
    throw new Error(`stage ${stage.name} has no builder matching --only=${only.join(',')} (it has: ${stage.builders.map((b) => b.name).join(', ')})`);
  }
  return selected;
}

function buildManifest(
  pipeline: Pipeline,
  stage: Stage,
  artifacts: Artifact[],
  facts: {
    runId: string;
    buildTime: Date;
    commit: string;
    fingerprint: string;
    fingerprintParts: Record<string, string>;
    base: StageManifest['base'];
    started: number;
  },
): StageManifest {
  return {
    builds: artifacts.map((artifact) => toManifestBuild(artifact, facts.runId, facts.buildTime)),
    last_run_uuid: facts.runId,
    pipeline: pipeline.name,
    stage: stage.name,
    fingerprint: facts.fingerprint,
    fingerprint_inputs: facts.fingerprintParts,
    outcome: 'built',
    base: facts.base,
    git_commit: facts.commit,
    duration_seconds: Math.round((Date.now() - facts.started) / 100) / 10,
  };
}
