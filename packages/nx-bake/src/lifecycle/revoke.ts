import type { Pipeline } from '../pipeline/types';
import { readChannels } from './channels';
import { configuredBuilders, type LifecycleInputs } from './configured-builders';
import { artifactsOf, workspaceManifests } from './lineage';
import { recordRevocations, type Revocation } from '../artifacts/revocations';

export interface RevokeOptions extends LifecycleInputs {
  pipeline: Pipeline;
  artifact: string;
  /** Revoke every artifact built on it too, however many layers down. */
  descendants?: boolean;
  reason?: string;
  /** Folder of a pipeline by name: each revocation goes to the file of the pipeline that built the artifact. */
  pipelineDirOf(name: string): string | undefined;
  now?: Date;
  say(line: string): void;
}

interface Known {
  id: string;
  pipeline?: string;
  stage?: string;
  base?: string[];
}

/**
 * Marks an artifact revoked (and with `descendants`, everything built on it, found through the providers'
 * lineage labels and the workspace's manifests). Bakes then refuse it as a base and rebuild a stage whose
 * own artifact it is; channels refuse to point at it.
 */
export async function revoke(options: RevokeOptions): Promise<Revocation[]> {
  const { pipeline, say } = options;
  const known = await knownArtifacts(options);
  const target = known.get(options.artifact);
  const isBase = [...known.values()].some((entry) => entry.base?.includes(options.artifact));
  if (!target && !isBase) {
    throw new Error(`unknown artifact ${options.artifact}: no builder of pipeline ${pipeline.name} lists it, and no manifest records it or builds on it`);
  }
  const revokedAt = (options.now ?? new Date()).toISOString();
  const entries: Revocation[] = [{ artifact: options.artifact, pipeline: target?.pipeline, stage: target?.stage, reason: options.reason, revoked_at: revokedAt }];
  if (options.descendants) {
    const queue = [options.artifact];
    while (queue.length) {
      const parent = queue.shift()!;
      for (const child of known.values()) {
        if (!child.base?.includes(parent) || entries.some((entry) => entry.artifact === child.id)) continue;
        entries.push({ artifact: child.id, pipeline: child.pipeline, stage: child.stage, reason: options.reason, revoked_at: revokedAt, descendant_of: parent });
        queue.push(child.id);
      }
    }
  }
  const added: Revocation[] = [];
  for (const entry of entries) {
    const dir = (entry.pipeline && options.pipelineDirOf(entry.pipeline)) ?? pipeline.dir;
    added.push(...recordRevocations(options.workspaceRoot, dir, [withoutUndefined(entry)]));
  }
  for (const entry of entries) {
    const where = entry.pipeline ? ` (${entry.pipeline}/${entry.stage})` : '';
    say(`revoked ${entry.artifact}${where}${entry.descendant_of ? `, built on ${entry.descendant_of}` : ''}${added.includes(entry) ? '' : ' (already revoked)'}`);
  }
  warnAboutChannels(options, new Set(entries.map((entry) => entry.artifact)));
  return added;
}

/** Artifacts the providers list (with their lineage labels) and those the workspace's manifests record. */
async function knownArtifacts(options: RevokeOptions): Promise<Map<string, Known>> {
  const known = new Map<string, Known>();
  for (const { builder, config } of configuredBuilders(options.pipeline, options)) {
    for (const artifact of await builder.listArtifacts(config)) {
      known.set(artifact.id, { id: artifact.id, pipeline: artifact.pipeline, stage: artifact.stage, base: artifact.base ? [artifact.base] : [] });
    }
  }
  for (const manifest of workspaceManifests(options.workspaceRoot)) {
    for (const id of Object.values(artifactsOf(manifest))) {
      const entry = known.get(id) ?? { id, pipeline: manifest.pipeline, stage: manifest.stage, base: [] };
      entry.base = [...new Set([...(entry.base ?? []), ...Object.values(manifest.base.artifacts)])];
      known.set(id, entry);
    }
  }
  return known;
}

function warnAboutChannels(options: RevokeOptions, revoked: Set<string>): void {
  for (const [stage, named] of Object.entries(readChannels(options.workspaceRoot, options.pipeline.dir))) {
    for (const [name, channel] of Object.entries(named)) {
      if (Object.values(channel.current.artifacts).some((id) => revoked.has(id))) {
        options.say(`warning: channel ${stage}/${name} points at a revoked artifact: roll it back (nx run ${options.pipeline.name}:promote --stage ${stage} --channel ${name} --to previous) or promote a new build`);
      }
    }
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
