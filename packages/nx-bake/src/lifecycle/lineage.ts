import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readManifestIfValid, type StageManifest } from '../artifacts/manifest';
import { imagesDir, manifestPath } from '../pipeline/output-paths';

/** One ancestor of an artifact: a stage's build (artifacts by builder) or, at the root, an external image. */
export interface LineageEntry {
  /** `<pipeline>/<stage>`, or the external image reference(s). */
  ref: string;
  kind: 'stage' | 'image';
  artifacts: Record<string, string>;
  fingerprint?: string;
  git_commit?: string;
}

/** Artifact IDs of a manifest's builds, by builder name. */
export function artifactsOf(manifest: StageManifest): Record<string, string> {
  return Object.fromEntries(manifest.builds.map((build) => [build.name, build.artifact_id]));
}

/**
 * The chain of bases under a stage's build, nearest first, from the manifests in the workspace. A parent
 * manifest that no longer records the artifact the child was built on ends the walk: beyond it, the
 * workspace knows only what the child recorded.
 */
export function lineageOf(workspaceRoot: string, manifest: StageManifest): LineageEntry[] {
  const chain: LineageEntry[] = [];
  let child: StageManifest | undefined = manifest;
  while (child) {
    const base: StageManifest['base'] = child.base;
    if (base.kind === 'image') {
      chain.push({ ref: base.ref, kind: 'image', artifacts: base.artifacts });
      return chain;
    }
    const [pipeline, stage] = base.ref.split('/');
    const parent = readManifestIfValid(manifestPath(workspaceRoot, pipeline, stage));
    const same = parent && recordsAll(parent, base.artifacts);
    chain.push({ ref: base.ref, kind: 'stage', artifacts: base.artifacts, fingerprint: base.fingerprint, git_commit: same ? parent.git_commit : undefined });
    child = same ? parent : undefined;
  }
  return chain;
}

/** Whether the manifest still records every one of these artifacts (a child was built on this build of it). */
export function recordsAll(manifest: StageManifest, artifacts: Record<string, string>): boolean {
  const recorded = Object.values(artifactsOf(manifest));
  return Object.values(artifacts).every((id) => recorded.includes(id));
}

/** Every stage manifest in the workspace's output folder (as bakes, or Nx's cache, left them). */
export function workspaceManifests(workspaceRoot: string): StageManifest[] {
  const root = imagesDir(workspaceRoot);
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((pipeline) =>
    readdirSync(join(root, pipeline))
      .map((stage) => readManifestIfValid(manifestPath(workspaceRoot, pipeline, stage)))
      .filter((manifest): manifest is StageManifest => manifest !== undefined),
  );
}
