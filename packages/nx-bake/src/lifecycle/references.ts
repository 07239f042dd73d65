import { channelReferences, readChannels } from './channels';
import { workspaceManifests } from './lineage';

/**
 * Artifacts that must not be deleted whatever the policy: those the workspace's current manifests record
 * (and the bases they were built on), and those a channel points at or would roll back to.
 */
export function pinnedArtifacts(workspaceRoot: string, pipelineDirs: string[]): Map<string, string> {
  const pinned = new Map<string, string>();
  for (const manifest of workspaceManifests(workspaceRoot)) {
    const stage = `${manifest.pipeline}/${manifest.stage}`;
    for (const build of manifest.builds) pinned.set(build.artifact_id, `the current manifest of ${stage}`);
    for (const id of Object.values(manifest.base.artifacts)) if (!pinned.has(id)) pinned.set(id, `the base of the current ${stage}`);
  }
  for (const dir of new Set(pipelineDirs)) {
    for (const [id, who] of channelReferences(readChannels(workspaceRoot, dir))) if (!pinned.has(id)) pinned.set(id, who);
  }
  return pinned;
}
