import { readManifestIfValid } from '../artifacts/manifest';
import { manifestPath } from '../pipeline/output-paths';
import type { Pipeline } from '../pipeline/types';
import { describeArtifacts, entryArtifactIds, readChannels, sameArtifacts, type ChannelEntry } from './channels';
import { artifactsOf, recordsAll } from './lineage';
import { describeRevocation, type Revocations } from '../artifacts/revocations';

export interface ChannelStatus {
  stage: string;
  channel: string;
  entry: ChannelEntry;
  /** `unknown`: the workspace holds no manifest of the stage to compare with (bake, or restore it from the cache). */
  state: 'up-to-date' | 'out-of-date' | 'revoked' | 'unknown';
  reasons: string[];
}

/** Each channel of the pipeline against the current manifests: a newer build of its stage, a rebuilt base, a revocation. */
export function channelStatuses(workspaceRoot: string, pipeline: Pipeline, revocations: Revocations): ChannelStatus[] {
  const statuses: ChannelStatus[] = [];
  for (const [stage, named] of Object.entries(readChannels(workspaceRoot, pipeline.dir))) {
    for (const [channel, { current: entry }] of Object.entries(named)) {
      const reasons: string[] = [];
      const revoked = revocations.find(entryArtifactIds(entry));
      if (revoked) reasons.push(`revoked: ${describeRevocation(revoked)}`);
      const manifest = readManifestIfValid(manifestPath(workspaceRoot, pipeline.name, stage));
      if (manifest && !sameArtifacts(artifactsOf(manifest), entry.artifacts)) {
        reasons.push(`a newer build of ${pipeline.name}/${stage}: ${describeArtifacts(artifactsOf(manifest))} (fingerprint ${manifest.fingerprint})`);
      }
      for (const base of entry.lineage.filter((lineage) => lineage.kind === 'stage')) {
        const [owner, name] = base.ref.split('/');
        const current = readManifestIfValid(manifestPath(workspaceRoot, owner, name));
        if (current && !recordsAll(current, base.artifacts)) {
          reasons.push(`base ${base.ref} was rebuilt: now ${describeArtifacts(artifactsOf(current))}`);
        }
      }
      const state = revoked ? 'revoked' : reasons.length ? 'out-of-date' : manifest ? 'up-to-date' : 'unknown';
      statuses.push({ stage, channel, entry, state, reasons });
    }
  }
  return statuses;
}

export function formatChannelStatus(status: ChannelStatus, pipeline: string): string[] {
  const head = `${pipeline}/${status.stage} ${status.channel}: ${describeArtifacts(status.entry.artifacts)} (promoted ${status.entry.promoted_at}) — ${status.state}`;
  const unknown = status.state === 'unknown' ? [`  no manifest of ${pipeline}/${status.stage} here to compare with: bake it first`] : [];
  return [head, ...status.reasons.map((reason) => `  ${reason}`), ...unknown];
}
