import { readManifest } from '../artifacts/manifest';
import { manifestPath } from '../pipeline/output-paths';
import type { Pipeline } from '../pipeline/types';
import { describeArtifacts, entryArtifactIds, pointChannel, readChannels, rollBackChannel, sameArtifacts, writeChannels, type ChannelEntry } from './channels';
import { configuredBuilders, type LifecycleInputs } from './configured-builders';
import { artifactsOf, lineageOf } from './lineage';
import { describeRevocation, type Revocations } from '../artifacts/revocations';

export interface PromoteOptions extends LifecycleInputs {
  pipeline: Pipeline;
  stage: string;
  channel: string;
  /** `previous`: roll the channel back one step instead of promoting the current build. */
  to?: 'previous';
  revocations: Revocations;
  now?: Date;
  say(line: string): void;
}

/**
 * Points a channel at the stage's current build (from its manifest), or back at its previous entry. The
 * artifacts must exist at the provider with the recorded fingerprint, and neither they nor any base
 * under them may be revoked.
 */
export async function promote(options: PromoteOptions): Promise<ChannelEntry> {
  const { pipeline, stage, channel, say } = options;
  if (!pipeline.stages.some((entry) => entry.name === stage)) throw new Error(`pipeline ${pipeline.name} has no stage named ${stage}`);
  const promotedAt = (options.now ?? new Date()).toISOString();
  const channels = readChannels(options.workspaceRoot, pipeline.dir);
  const target = options.to === 'previous' ? channels[stage]?.[channel]?.history[0] : currentBuild(options, promotedAt);
  if (!target) {
    throw new Error(channels[stage]?.[channel] ? `channel ${stage}/${channel} has no previous entry to roll back to` : `channel ${stage}/${channel} does not exist yet: nothing to roll back`);
  }
  const revoked = options.revocations.find(entryArtifactIds(target));
  if (revoked) throw new Error(`channel ${stage}/${channel} cannot point at it: ${describeRevocation(revoked)}`);
  await assertArtifactsExist(options, target);

  if (options.to === 'previous') {
    const from = channels[stage][channel].current;
    rollBackChannel(channels, stage, channel, promotedAt);
    writeChannels(options.workspaceRoot, pipeline.dir, channels);
    say(`${pipeline.name}/${stage} ${channel}: rolled back from ${describeArtifacts(from.artifacts)} to ${describeArtifacts(target.artifacts)}`);
    return target;
  }
  const existing = channels[stage]?.[channel]?.current;
  if (existing && sameArtifacts(existing.artifacts, target.artifacts)) {
    say(`${pipeline.name}/${stage} ${channel}: already at ${describeArtifacts(target.artifacts)}`);
    return existing;
  }
  pointChannel(channels, stage, channel, target);
  writeChannels(options.workspaceRoot, pipeline.dir, channels);
  say(`${pipeline.name}/${stage} ${channel}: now ${describeArtifacts(target.artifacts)} (fingerprint ${target.fingerprint}${target.git_commit ? `, commit ${target.git_commit.slice(0, 12)}` : ''})`);
  return target;
}

function currentBuild(options: PromoteOptions, promotedAt: string): ChannelEntry {
  const path = manifestPath(options.workspaceRoot, options.pipeline.name, options.stage);
  const manifest = readManifest(path);
  if (!manifest) throw new Error(`${options.pipeline.name}/${options.stage} has no manifest (${path}): bake it first (nx run ${options.pipeline.name}-${options.stage}:bake)`);
  const builtAt = Math.max(...manifest.builds.map((build) => build.build_time));
  return {
    artifacts: artifactsOf(manifest),
    fingerprint: manifest.fingerprint,
    git_commit: manifest.git_commit,
    built_at: Number.isFinite(builtAt) ? new Date(builtAt * 1000).toISOString() : undefined,
    promoted_at: promotedAt,
    lineage: lineageOf(options.workspaceRoot, manifest),
  };
}

/** A channel must never point at something that is not there: each artifact is checked at its provider. */
async function assertArtifactsExist(options: PromoteOptions, entry: ChannelEntry): Promise<void> {
  const builders = configuredBuilders(options.pipeline, { ...options, only: Object.keys(entry.artifacts) });
  for (const [builderName, id] of Object.entries(entry.artifacts)) {
    const configured = builders.find((candidate) => candidate.name === builderName);
    if (!configured) throw new Error(`builder ${builderName} of ${id} is not in pipeline ${options.pipeline.name} any more`);
    const query = { builderName, config: configured.config, pipeline: options.pipeline.name, stage: options.stage, fingerprint: entry.fingerprint, lookOnly: true };
    if (!(await configured.builder.verifyArtifact(id, query))) {
      throw new Error(`${builderName} artifact ${id} does not exist (or does not carry fingerprint ${entry.fingerprint}): bake ${options.pipeline.name}/${options.stage} again`);
    }
  }
}
