import type { StageBuilder } from '../pipeline/types';
import type { StageManifest } from './manifest';

/**
 * The `custom_data` the base stage's manifest records with the artifact a builder starts from (the build of
 * the same name, else of the same type, as resolve-base picks it), when it is that artifact.
 */
export function baseBuildData(manifest: StageManifest | undefined, builder: StageBuilder, baseImage: string | undefined): Record<string, string> | undefined {
  if (!manifest || !baseImage) return undefined;
  const build = manifest.builds.find((entry) => entry.name === builder.name) ?? manifest.builds.find((entry) => entry.builder_type === builder.config.type);
  return build?.artifact_id === baseImage ? build.custom_data : undefined;
}
