import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Artifact } from './artifact';
import { writeFileAtomic } from '../util/atomic-write';

/** One entry of `builds[]`, in the shape of Packer's manifest post-processor. */
export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time: number;
  files: { name: string; size: number }[] | null;
  artifact_id: string;
  packer_run_uuid: string;
  custom_data: Record<string, string>;
}

/** What a manifest records of how its artifacts came to be: built by that run, or adopted from the provider. */
export type ManifestOutcome = 'built' | 'adopted';

/** Packer-compatible manifest plus the lineage that lets a child stage, a channel or a sweep trust it. */
export interface StageManifest {
  builds: ManifestBuild[];
  last_run_uuid: string;
  pipeline: string;
  stage: string;
  fingerprint: string;
  /** A hash per fingerprint input, so the next plan can name what changed. */
  fingerprint_inputs: Record<string, string>;
  outcome: ManifestOutcome;
  base: {
    /** `image` for an external reference, `stage` for another stage's artifact. */
    kind: 'image' | 'stage';
    /** External image reference(s), or `<pipeline>/<stage>`. */
    ref: string;
    fingerprint?: string;
    /** The base artifact each builder started from, by builder name. */
    artifacts: Record<string, string>;
  };
  git_commit?: string;
  duration_seconds: number;
}

export function toManifestBuild(artifact: Artifact, runId: string, buildTime: Date): ManifestBuild {
  return {
    name: artifact.builderName,
    builder_type: artifact.builderType,
    build_time: Math.floor(buildTime.getTime() / 1000),
    files: artifact.files.length ? artifact.files : null,
    artifact_id: artifact.id,
    packer_run_uuid: runId,
    custom_data: artifact.customData,
  };
}

/** Written atomically, so a reader (or a cache) never sees half a manifest. */
export function writeManifest(path: string, manifest: StageManifest): void {
  writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readManifest(path: string): StageManifest | undefined {
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as StageManifest;
  if (!Array.isArray(manifest.builds) || typeof manifest.fingerprint !== 'string') {
    throw new Error(`${path} is not an nx-bake stage manifest`);
  }
  return manifest;
}

/** The manifest, or undefined when there is none or it is not one (a hand-edited or foreign file). */
export function readManifestIfValid(path: string): StageManifest | undefined {
  try {
    return readManifest(path);
  } catch {
    return undefined;
  }
}

/** A stale manifest must not survive a failed rebuild: it would be cached as this run's output. */
export function removeManifest(path: string): void {
  rmSync(path, { force: true });
}

export function newRunId(): string {
  return randomUUID();
}
