import type { StageManifest } from '../artifacts/manifest';
import { readManifest } from '../artifacts/manifest';
import { manifestPath } from '../pipeline/output-paths';
import type { Stage, StageBuilder } from '../pipeline/types';

export interface ResolvedBase {
  kind: 'image' | 'stage';
  /** External image reference(s), or `<pipeline>/<stage>`. */
  ref: string;
  manifest?: StageManifest;
}

export class BaseNotBakedError extends Error {}

/** Reads the upstream stage's manifest (external images need nothing). */
export function resolveBase(stage: Stage, workspaceRoot: string): ResolvedBase {
  const from = stage.from;
  if (from.kind === 'image') {
    return { kind: 'image', ref: typeof from.image === 'string' ? from.image : JSON.stringify(from.image) };
  }
  const ref = `${from.pipeline}/${from.stage}`;
  const manifest = readManifest(manifestPath(workspaceRoot, from.pipeline, from.stage));
  if (!manifest) {
    throw new BaseNotBakedError(
      `stage ${ref} has no manifest yet: bake it first (nx run ${from.pipeline}-${from.stage}:bake), or bake the whole chain`,
    );
  }
  return { kind: 'stage', ref, manifest };
}

/**
 * The image a builder starts from, before templating: the parent's artifact of the same builder (by name,
 * else by type), or the external reference for this builder.
 */
export function baseImageFor(stage: Stage, builder: StageBuilder, base: ResolvedBase): string {
  const from = stage.from;
  if (from.kind === 'image') {
    if (typeof from.image === 'string') return from.image;
    const image = from.image[builder.name];
    if (!image) throw new Error(`stage ${stage.name}: from.image names no image for builder ${builder.name}`);
    return image;
  }
  const builds = base.manifest!.builds;
  const build = builds.find((entry) => entry.name === builder.name) ?? builds.find((entry) => entry.builder_type === builder.config.type);
  if (!build) {
    throw new BaseNotBakedError(`stage ${base.ref} has no ${builder.config.type} artifact for builder ${builder.name}: bake it with that builder first`);
  }
  return build.artifact_id;
}
