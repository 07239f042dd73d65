import { newRunId, removeManifest, toManifestBuild, writeManifest, type ManifestOutcome, type StageManifest } from '../artifacts/manifest';
import type { Artifact } from '../artifacts/artifact';
import { describeRevocation, type Revocation, type Revocations } from '../artifacts/revocations';
import type { Reporter } from '../progress/reporter';
import { createStageLogger, type StageLogger } from '../progress/stage-logger';
import { gitCommit } from '../util/git';
import { buildOne } from './build-one';
import { assertBaseNotRevoked, revocationsFor } from './revocation-checks';
import { RunJournal } from './run-journal';
import { changedParts, type Fingerprint } from './fingerprint';
import { artifactQuery, baseImagesOf, fingerprintOf, previousIsCurrent, withBaseImages, type PreparedBuilder, type PreparedStage, type StageInputs } from './prepare-stage';
import { prepareWithSecrets, withVaultScope } from './stage-secrets';
import { trustedBaseImages } from './trusted-base';
import { undoPublished } from './undo-published';
import { InterruptedError } from '../steps/run-steps';
import { withStageLock } from './stage-lock';
import { pauseForTests } from '../steps/test-pause';

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

/**
 * What a bake did: `cached`, the recorded manifest is current and its artifacts exist (the manifest keeps
 * the outcome it records); else what the new manifest records, `adopted` (the provider had them) or `built`.
 */
export type BakeOutcome = 'cached' | ManifestOutcome;

export interface BakeStageResult {
  manifest: StageManifest;
  path: string;
  outcome: BakeOutcome;
  /** Why: for `built`, the fingerprint inputs that changed since the recorded build. */
  reasons: string[];
}

/** One bake of a stage, once its base is trusted and its fingerprint known: what its decisions share. */
interface Bake {
  options: BakeStageOptions;
  prepared: PreparedStage;
  fingerprint: Fingerprint;
  revocations: Revocations;
  /** A revocation of the recorded build's artifacts: it is not kept, and is why the stage is built. */
  previousRevoked?: Revocation;
  started: Date;
  note: StageLogger;
  reporter: Reporter;
  sourceOf(builder: PreparedBuilder): string;
}

/**
 * Bakes one stage: verifies its base, fingerprints it, and then keeps the current manifest, adopts an
 * artifact of the same fingerprint, or runs each builder's steps. The manifest is written (atomically)
 * only on success; a failed bake leaves none.
 */
export async function bakeStage(options: BakeStageOptions): Promise<BakeStageResult> {
  // One bake of a stage at a time per workspace: a second waits, then keeps or adopts what the first made.
  // Vault's leases and login token live as long as the outermost bake of the process (stage-secrets.ts).
  return withVaultScope(() => withStageLock(options, options.signal, (message) => process.stderr.write(`nx-bake: ${message}\n`), () => bakeStageLocked(options)));
}

async function bakeStageLocked(options: BakeStageOptions): Promise<BakeStageResult> {
  const started = new Date();
  let prepared = await prepareWithSecrets(options, { gitCommit: gitCommit(options.workspaceRoot), buildTime: new Date(), runId: newRunId() }, options.signal);
  const { pipeline, stage, redactor } = prepared;
  // A failed bake must leave no manifest: not even the previous one, which Nx would cache as this run's output.
  removeManifest(prepared.manifestPath);
  const several = prepared.builders.length > 1;
  const sourceOf = (builder: { name: string }) => `${pipeline.name}/${stage.name}${several ? `:${builder.name}` : ''}`;
  const reporter = options.reporter(prepared.builders.map(sourceOf));
  const note = createStageLogger(`${pipeline.name}/${stage.name}`, reporter, redactor);
  let journal: RunJournal | undefined;

  try {
    prepared = await trustBase(prepared, options, note);
    const revocations = revocationsFor(options.workspaceRoot, pipeline, stage, options.pipelineFileOf);
    assertBaseNotRevoked(baseImagesOf(prepared), revocations, stage);
    const previousRevoked = prepared.previous && revocations.find(prepared.previous.builds.map((build) => build.artifact_id));
    if (previousRevoked) note.warn(`not keeping the recorded build: ${describeRevocation(previousRevoked)}`);
    const bake: Bake = { options, prepared, fingerprint: fingerprintOf(prepared, options), revocations, previousRevoked, started, note, reporter, sourceOf };

    const kept = await keepCurrent(bake);
    if (kept) return kept;
    journal = new RunJournal(options.workspaceRoot, prepared.runId, pipeline.name, stage.name);
    const runs = await settleAll(prepared.builders.map((builder) => adoptOrBuild(bake, builder, journal!)));
    const outcome: ManifestOutcome = runs.some((run) => run.built) ? 'built' : 'adopted';
    const artifacts = runs.map((run) => run.artifact);
    const manifest = await writeStageManifest(bake, outcome === 'built' ? await keepOldest(bake, artifacts) : artifacts, outcome, journal);
    return { manifest, path: prepared.manifestPath, outcome, reasons: reasonsFor(bake, outcome) };
  } catch (error) {
    if (journal) await undoPublished(journal, prepared.builders, note);
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

/** A base from another stage is checked at the provider before anything is built on it (trusted-base.ts). */
async function trustBase(prepared: PreparedStage, options: BakeStageOptions, note: StageLogger): Promise<PreparedStage> {
  const { pipeline, base } = prepared;
  const parent = prepared.stage.from;
  if (!base.manifest || parent.kind !== 'stage') return prepared;
  const images = await trustedBaseImages({
    from: parent,
    manifest: base.manifest,
    builders: prepared.builders,
    workspaceRoot: options.workspaceRoot,
    warn: (message) => note.warn(message),
    rebuildParent: async () => {
      const parentFile = parent.pipeline === pipeline.name ? options.pipelineFile : options.pipelineFileOf?.(parent.pipeline);
      if (!parentFile) throw new Error(`base ${parent.pipeline}/${parent.stage} must be rebuilt, but its pipeline file is unknown here`);
      return (await bakeStage({ ...options, pipelineFile: parentFile, stage: parent.stage, force: false })).manifest;
    },
  });
  return withBaseImages(prepared, images);
}

/** Keep the current manifest: it records this fingerprint, none of its artifacts is revoked, and each still exists. */
async function keepCurrent(bake: Bake): Promise<BakeStageResult | undefined> {
  const { prepared, fingerprint } = bake;
  const previous = prepared.previous;
  if (bake.options.force || !previous || bake.previousRevoked || !(await previousIsCurrent(prepared, fingerprint.value))) return undefined;
  writeManifest(prepared.manifestPath, previous);
  return { manifest: previous, path: prepared.manifestPath, outcome: 'cached', reasons: [`manifest already records fingerprint ${fingerprint.value}`] };
}

/** Adopt the provider's artifact of this fingerprint (unless forced, or it is revoked), else build one. */
async function adoptOrBuild(bake: Bake, builder: PreparedBuilder, journal: RunJournal): Promise<{ artifact: Artifact; built: boolean }> {
  const { options, prepared, fingerprint, note } = bake;
  const adopted = options.force ? undefined : await builder.builder.findArtifact(artifactQuery(prepared, builder, fingerprint.value));
  if (adopted && bake.revocations.get(adopted.id)) note.info(`${builder.name}: not adopting ${adopted.id}: it is revoked`);
  else if (adopted) {
    note.info(`${builder.name}: adopting ${adopted.id}, already built with fingerprint ${fingerprint.value}`);
    return { artifact: adopted, built: false };
  }
  const { pipeline, stage, runId } = prepared;
  const source = bake.sourceOf(builder);
  const artifact = await buildOne({
    builder: builder.builder,
    request: {
      pipeline: pipeline.name,
      stage: stage.name,
      builderName: builder.name,
      config: builder.config,
      baseImage: builder.baseImage,
      labels: {
        // The artifact's metadata outlives the bake: a secret a tag rendered goes no further than the log does.
        // Only the stage's own tags: nx-bake's identity labels are found again by these exact keys and values,
        // even when a secret happens to spell part of them (a registry user named `nx-bake`).
        ...prepared.redactor.redactValue(builder.stage.tags),
        'nx-bake.pipeline': pipeline.name,
        'nx-bake.stage': stage.name,
        // A stage's builders share its fingerprint: two of one type tell their artifacts apart by this.
        'nx-bake.builder': builder.name,
        'nx-bake.fingerprint': fingerprint.value,
        'nx-bake.base': builder.baseImage,
        'nx-bake.run': runId,
      },
      runId,
      onError: options.onError ?? 'cleanup',
      baseData: builder.baseData,
    },
    stage: builder.stage,
    context: builder.context,
    workspaceRoot: options.workspaceRoot,
    pipelineDir: pipeline.dir,
    source,
    log: createStageLogger(source, bake.reporter, prepared.redactor),
    reporter: bake.reporter,
    signal: options.signal,
    journal,
  });
  return { artifact, built: true };
}

/** A bake in another clone may have built the same fingerprint meanwhile: the oldest artifact wins (stage-lock.ts). */
async function keepOldest(bake: Bake, artifacts: Artifact[]): Promise<Artifact[]> {
  const { prepared, fingerprint, note } = bake;
  const kept: Artifact[] = [];
  for (const [i, builder] of prepared.builders.entries()) {
    const query = artifactQuery(prepared, builder, fingerprint.value);
    kept.push((await builder.builder.keepOldest?.(artifacts[i], query, bake.started, (message) => note.info(message))) ?? artifacts[i]);
  }
  return kept;
}

/** Write the manifest of what this bake adopted or built, with the lineage a child, a channel or a sweep trusts. */
async function writeStageManifest(bake: Bake, artifacts: Artifact[], outcome: ManifestOutcome, journal: RunJournal): Promise<StageManifest> {
  const { prepared, fingerprint, options } = bake;
  const baseImages = baseImagesOf(prepared);
  const manifest: StageManifest = {
    builds: artifacts.map((artifact) => toManifestBuild(artifact, prepared.runId, prepared.buildTime)),
    last_run_uuid: prepared.runId,
    pipeline: prepared.pipeline.name,
    stage: prepared.stage.name,
    fingerprint: fingerprint.value,
    fingerprint_inputs: fingerprint.parts,
    outcome,
    base: {
      kind: prepared.base.kind,
      ref: prepared.base.kind === 'image' ? [...new Set(Object.values(baseImages))].join(',') : prepared.base.ref,
      fingerprint: prepared.base.manifest?.fingerprint,
      artifacts: baseImages,
    },
    git_commit: prepared.gitCommit,
    duration_seconds: Math.round((Date.now() - bake.started.getTime()) / 100) / 10,
  };
  await pauseForTests('manifest', options.signal, (message) => bake.note.info(message));
  if (options.signal.aborted) throw new InterruptedError('manifest');
  // Forgotten first: a kill between the two leaves an unrecorded artifact (plain gc finds it), never a
  // recorded one that `gc --leaked` would undo.
  journal.forgetPublished();
  // Secrets that reached a tag or label through a template must not reach the manifest either.
  writeManifest(prepared.manifestPath, prepared.redactor.redactValue(manifest));
  return manifest;
}

/**
 * Every builder's run, once all have ended: one that fails does not stop the others, and the bake must not
 * undo or report before their cleanups (and pushes) are over. The first failure is thrown.
 */
async function settleAll<T>(runs: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/** Why the stage was adopted or built. */
function reasonsFor(bake: Bake, outcome: ManifestOutcome): string[] {
  if (outcome === 'adopted') return [`the provider holds artifacts of fingerprint ${bake.fingerprint.value}`];
  if (bake.options.force) return ['--force'];
  if (bake.previousRevoked) return [`the recorded artifact ${bake.previousRevoked.artifact} is revoked`];
  return changedParts(bake.prepared.previous?.fingerprint_inputs, bake.fingerprint.parts);
}
