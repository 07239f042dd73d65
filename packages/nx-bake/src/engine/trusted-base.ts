import { writeManifest, type StageManifest } from '../artifacts/manifest';
import type { ArtifactQuery } from '../builders/builder';
import { manifestPath } from '../pipeline/output-paths';
import type { StageBase } from '../pipeline/types';
import type { PreparedBuilder } from './prepare-stage';

export interface TrustBaseOptions {
  from: StageBase;
  manifest: StageManifest;
  /** Each with the base artifact it would start from, as the manifest records it. */
  builders: PreparedBuilder[];
  workspaceRoot: string;
  warn(message: string): void;
  /** Bakes the parent stage again (it found no artifact of its fingerprint either); returns its new manifest. */
  rebuildParent(): Promise<StageManifest>;
}

/** What identifies the parent's artifact of this builder at the provider, with what its manifest records of it. */
export function baseArtifactQuery(builder: PreparedBuilder, from: StageBase, manifest: StageManifest): ArtifactQuery {
  return { builderName: builder.name, config: builder.config, pipeline: from.pipeline, stage: from.stage, fingerprint: manifest.fingerprint, recordedData: builder.baseData };
}

/**
 * A manifest may come from a cache (local or remote) or an old checkout: before a child builds on it, each
 * recorded artifact is checked at the provider. One that is gone, or whose labels do not match, is not
 * trusted: an artifact of the same fingerprint is adopted instead, else the parent is rebuilt.
 */
export async function trustedBaseImages(options: TrustBaseOptions): Promise<Record<string, string>> {
  const { from, manifest } = options;
  const ref = `${from.pipeline}/${from.stage}`;
  const images = Object.fromEntries(options.builders.map((builder) => [builder.name, builder.baseImage]));
  let patched = false;
  for (const builder of options.builders) {
    const query = baseArtifactQuery(builder, from, manifest);
    const recorded = images[builder.name];
    if (await builder.builder.verifyArtifact(recorded, query)) continue;
    options.warn(`base ${ref}: recorded artifact ${recorded} is gone or does not carry fingerprint ${manifest.fingerprint}; not trusting it`);
    const found = await builder.builder.findArtifact(query);
    if (!found) {
      options.warn(`base ${ref}: no artifact of fingerprint ${manifest.fingerprint} exists; rebuilding it`);
      const rebuilt = await options.rebuildParent();
      return Object.fromEntries(
        options.builders.map((entry) => [entry.name, (rebuilt.builds.find((build) => build.name === entry.name) ?? rebuilt.builds.find((build) => build.builder_type === entry.config.type))!.artifact_id]),
      );
    }
    options.warn(`base ${ref}: adopting ${found.id}, which carries fingerprint ${manifest.fingerprint}`);
    images[builder.name] = found.id;
    // The adopted artifact's own data (its repo digest) replaces the gone one's.
    for (const build of manifest.builds) if (build.artifact_id === recorded) Object.assign(build, { artifact_id: found.id, custom_data: found.customData });
    patched = true;
  }
  // The parent's manifest now names what really exists, for siblings and later runs.
  if (patched) writeManifest(manifestPath(options.workspaceRoot, from.pipeline, from.stage), manifest);
  return images;
}
