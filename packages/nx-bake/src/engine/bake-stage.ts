import { newRunId, removeManifest, toManifestBuild, writeManifest, type StageManifest } from '../artifacts/manifest';
import { baseBuildData } from '../artifacts/base-build';
import type { Artifact } from '../builders/builder';
import { builderFor } from '../builders/registry';
import { renderStage, templateContext } from '../pipeline/template';
import type { StageBuilder } from '../pipeline/types';
import type { Reporter } from '../progress/reporter';
import { createStageLogger } from '../progress/stage-logger';
import { gitCommit } from '../util/git';
import { buildOne } from './build-one';
import { describeRevocation } from '../lifecycle/revocations';
import { assertBaseNotRevoked, revocationsFor } from './revocation-checks';
import { RunJournal } from './run-journal';
import { changedParts } from './fingerprint';
import { artifactQuery, fingerprintOf, prepareStage, previousIsCurrent, type StageInputs } from './prepare-stage';
import { trustedBaseImages } from './trusted-base';
import { InterruptedError } from './run-steps';
import { withStageLock } from './stage-lock';
import { pauseForTests } from './test-pause';

export interface BakeStageOptions extends StageInputs {
  onError?: 'cleanup' | 'abort';
  /** Build even when the stage's fingerprint is already recorded or held by the provider. */
  force?: boolean;
  /** The file of another pipeline (for rebuilding a base stage that is gone); defaults to this pipeline's file. */
  pipelineFileOf?(pipeline: string): string | undefined;
  signal: AbortSignal;
  /** Chooses the reporter once the stage's builders are known. */
  reporter: (sources: string[]) => Reporter;
}

/** `cached`: the recorded manifest is current and its artifacts exist; `adopted`: the provider had them; `built`. */
export type BakeOutcome = 'cached' | 'adopted' | 'built';

export interface BakeStageResult {
  manifest: StageManifest;
  path: string;
  outcome: BakeOutcome;
  /** Why: for `built`, the fingerprint inputs that changed since the recorded build. */
  reasons: string[];
}

/**
 * Bakes one stage: verifies its base, fingerprints it, and then keeps the current manifest, adopts an
 * artifact of the same fingerprint, or runs each builder's lifecycle. The manifest is written (atomically)
 * only on success; a failed bake leaves none.
 */
export async function bakeStage(options: BakeStageOptions): Promise<BakeStageResult> {
  // One bake of a stage at a time per workspace: a second waits, then keeps or adopts what the first made.
  return withStageLock(options, options.signal, (message) => process.stderr.write(`nx-bake: ${message}\n`), () => bakeStageLocked(options));
}

async function bakeStageLocked(options: BakeStageOptions): Promise<BakeStageResult> {
  const started = Date.now();
  const prepared = prepareStage(options, { gitCommit: gitCommit(options.workspaceRoot), buildTime: new Date(), runId: newRunId() });
  const { pipeline, stage, builders, redactor, previous, runId, buildTime } = prepared;
  // A failed bake must leave no manifest: not even the previous one, which Nx would cache as this run's output.
  removeManifest(prepared.manifestPath);
  const sourceOf = (builder: StageBuilder) => `${pipeline.name}/${stage.name}${builders.length > 1 ? `:${builder.name}` : ''}`;
  const reporter = options.reporter(builders.map(sourceOf));
  const note = createStageLogger(`${pipeline.name}/${stage.name}`, reporter, redactor);
  let journal: RunJournal | undefined;

  try {
    const parent = stage.from;
    if (prepared.base.manifest && parent.kind === 'stage') {
      prepared.baseImages = await trustedBaseImages({
        from: parent,
        manifest: prepared.base.manifest,
        builders,
        baseImages: prepared.baseImages,
        workspaceRoot: options.workspaceRoot,
        warn: (message) => note.warn(message),
        rebuildParent: async () => {
          const parentFile = parent.pipeline === pipeline.name ? options.pipelineFile : options.pipelineFileOf?.(parent.pipeline);
          if (!parentFile) throw new Error(`base ${parent.pipeline}/${parent.stage} must be rebuilt, but its pipeline file is unknown here`);
          return (await bakeStage({ ...options, pipelineFile: parentFile, stage: parent.stage, force: false })).manifest;
        },
      });
    }
    const revocations = revocationsFor(options.workspaceRoot, pipeline, stage, options.pipelineFileOf);
    assertBaseNotRevoked(prepared.baseImages, revocations, stage);
    const fingerprint = fingerprintOf(prepared, options);
    const previousRevoked = previous && revocations.find(previous.builds.map((build) => build.artifact_id));
    if (previousRevoked) note.warn(`not keeping the recorded build: ${describeRevocation(previousRevoked)}`);

    if (!options.force && previous && !previousRevoked && (await previousIsCurrent(prepared, fingerprint.value))) {
      writeManifest(prepared.manifestPath, previous);
      return { manifest: previous, path: prepared.manifestPath, outcome: 'cached', reasons: [`manifest already records fingerprint ${fingerprint.value}`] };
    }

    let built = false;
    journal = new RunJournal(options.workspaceRoot, runId, pipeline.name, stage.name);
    const artifacts: Artifact[] = await Promise.all(
      builders.map(async (builder) => {
        const context = templateContext({
          pipeline,
          stage,
          variables: prepared.variables.values,
          baseArtifactId: prepared.baseImages[builder.name],
          gitCommit: prepared.gitCommit,
          buildTime,
          runId,
          env: prepared.env,
          workspaceRoot: options.workspaceRoot,
        });
        const rendered = renderStage(pipeline, stage, context);
        const config = rendered.builders.find((entry) => entry.name === builder.name)!.config;
        const provider = builderFor(builder.config.type);
        const adopted = options.force ? undefined : await provider.findArtifact(artifactQuery(prepared, builder, fingerprint.value, config));
        if (adopted && revocations.get(adopted.id)) note.info(`${builder.name}: not adopting ${adopted.id}: it is revoked`);
        else if (adopted) {
          note.info(`${builder.name}: adopting ${adopted.id}, already built with fingerprint ${fingerprint.value}`);
          return adopted;
        }
        built = true;
        const log = createStageLogger(sourceOf(builder), reporter, redactor);
        return buildOne({
          builder: provider,
          request: {
            pipeline: pipeline.name,
            stage: stage.name,
            builderName: builder.name,
            config,
            baseImage: prepared.baseImages[builder.name],
            labels: {
              ...rendered.tags,
              'nx-bake.pipeline': pipeline.name,
              'nx-bake.stage': stage.name,
              'nx-bake.fingerprint': fingerprint.value,
              'nx-bake.base': prepared.baseImages[builder.name],
              'nx-bake.run': runId,
            },
            runId,
            onError: options.onError ?? 'cleanup',
            baseData: baseBuildData(prepared.base.manifest, builder, prepared.baseImages[builder.name]),
          },
          stage: rendered,
          context,
          workspaceRoot: options.workspaceRoot,
          pipelineDir: pipeline.dir,
          source: sourceOf(builder),
          log,
          reporter,
          signal: options.signal,
          journal,
        });
      }),
    );

    // A bake in another clone may have built the same fingerprint meanwhile: the oldest artifact wins (stage-lock.ts).
    if (built) {
      for (const [i, builder] of builders.entries()) {
        const provider = builderFor(builder.config.type);
        artifacts[i] = (await provider.keepOldest?.(artifacts[i], artifactQuery(prepared, builder, fingerprint.value), new Date(started), (message) => note.info(message))) ?? artifacts[i];
      }
    }
    const outcome: BakeOutcome = built ? 'built' : 'adopted';
    const manifest: StageManifest = {
      builds: artifacts.map((artifact) => toManifestBuild(artifact, runId, buildTime)),
      last_run_uuid: runId,
      pipeline: pipeline.name,
      stage: stage.name,
      fingerprint: fingerprint.value,
      fingerprint_inputs: fingerprint.parts,
      outcome,
      base: {
        kind: prepared.base.kind,
        ref: prepared.base.kind === 'image' ? [...new Set(Object.values(prepared.baseImages))].join(',') : prepared.base.ref,
        fingerprint: prepared.base.manifest?.fingerprint,
        artifacts: prepared.baseImages,
      },
      git_commit: prepared.gitCommit,
      duration_seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    await pauseForTests('manifest', options.signal, (message) => note.info(message));
    if (options.signal.aborted) throw new InterruptedError('manifest');
    // Secrets that reached a tag or label through a template must not reach the manifest either.
    writeManifest(prepared.manifestPath, redactor.redactValue(manifest));
    const reasons =
      outcome === 'adopted'
        ? [`the provider holds artifacts of fingerprint ${fingerprint.value}`]
        : options.force
          ? ['--force']
          : previousRevoked
            ? [`the recorded artifact ${previousRevoked.artifact} is revoked`]
            : changedParts(previous?.fingerprint_inputs, fingerprint.parts);
    return { manifest, path: prepared.manifestPath, outcome, reasons };
  } catch (error) {
    // Errors carry command output and rendered values: redact them like every other line.
    if (error instanceof Error) error.message = redactor.redact(error.message);
    throw error;
  } finally {
    // Every cleanup has run by now (or the instance was kept on purpose and is labelled with its run).
    journal?.close();
    note.flush();
    await reporter.close();
  }
}
