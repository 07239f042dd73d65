import { join } from 'node:path';
import type { LineageEntry } from './lineage';
import { readYamlFile, writeYamlFile } from '../util/yaml-file';

/** What a channel points at: one stage build (its artifact per builder) and where it came from. */
export interface ChannelEntry {
  artifacts: Record<string, string>;
  fingerprint: string;
  git_commit?: string;
  built_at?: string;
  promoted_at: string;
  /** The bases under it, nearest first. */
  lineage: LineageEntry[];
}

export interface Channel {
  current: ChannelEntry;
  /** Earlier entries, newest first: `--to previous` goes back to the first. */
  history: ChannelEntry[];
}

/** Stage name → channel name → channel. */
export type Channels = Record<string, Record<string, Channel>>;

export const CHANNELS_FILE = 'channels.yaml';
/** Enough to roll back several times; git keeps the rest. */
const HISTORY_LENGTH = 10;

const HEADER = `Which image each release channel runs, written by \`nx run <pipeline>:promote\`.
Committed with the pipeline: promotions are reviewed in pull requests and their history is git's.`;

export function channelsPath(workspaceRoot: string, pipelineDir: string): string {
  return join(workspaceRoot, pipelineDir, CHANNELS_FILE);
}

export function readChannels(workspaceRoot: string, pipelineDir: string): Channels {
  return readYamlFile<{ channels?: Channels }>(channelsPath(workspaceRoot, pipelineDir), {}).channels ?? {};
}

export function writeChannels(workspaceRoot: string, pipelineDir: string, channels: Channels): void {
  writeYamlFile(channelsPath(workspaceRoot, pipelineDir), HEADER, { channels });
}

/** Every artifact a channel entry stands on: its own and those of its lineage (none may be revoked). */
export function entryArtifactIds(entry: ChannelEntry): string[] {
  return [...Object.values(entry.artifacts), ...entry.lineage.flatMap((base) => Object.values(base.artifacts))];
}

export function sameArtifacts(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

/** Points the channel at a new entry; the entry it pointed at becomes the one `--to previous` returns to. */
export function pointChannel(channels: Channels, stage: string, name: string, entry: ChannelEntry): void {
  const existing = channels[stage]?.[name];
  const history = existing ? [existing.current, ...existing.history].slice(0, HISTORY_LENGTH) : [];
  channels[stage] = { ...channels[stage], [name]: { current: entry, history } };
}

/** Rolls the channel back one step: its previous entry becomes current and leaves the history. */
export function rollBackChannel(channels: Channels, stage: string, name: string, promotedAt: string): ChannelEntry {
  const channel = channels[stage]?.[name];
  if (!channel) throw new Error(`channel ${name} of stage ${stage} does not exist`);
  const [previous, ...older] = channel.history;
  if (!previous) throw new Error(`channel ${name} of stage ${stage} has no previous entry to roll back to`);
  channels[stage][name] = { current: { ...previous, promoted_at: promotedAt }, history: older };
  return previous;
}

/** Every artifact ID a channel may be pointed at without a new promotion: the current one and the rollback target. */
export function channelReferences(channels: Channels): Map<string, string> {
  const references = new Map<string, string>();
  for (const [stage, named] of Object.entries(channels)) {
    for (const [name, channel] of Object.entries(named)) {
      for (const id of Object.values(channel.current.artifacts)) references.set(id, `channel ${stage}/${name}`);
      for (const id of Object.values(channel.history[0]?.artifacts ?? {})) if (!references.has(id)) references.set(id, `channel ${stage}/${name} (rollback target)`);
    }
  }
  return references;
}

export function describeArtifacts(artifacts: Record<string, string>): string {
  return Object.entries(artifacts)
    .map(([builder, id]) => `${builder} ${id}`)
    .join(', ');
}
