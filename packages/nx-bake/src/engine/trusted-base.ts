import { manifestPath, writeManifest, type StageManifest } from '../artifacts/manifest';
import type { ArtifactQuery } from '../builders/builder';
import { builderFor } from '../builders/registry';
import type { StageBase, StageBuilder } from '../pipeline/types';

export interface TrustBaseOptions {
  from: StageBase;
  manifest: StageManifest;
  builders: StageBuilder[];
  /** The base artifact each builder would start from, as the manifest records it. */
  baseImages: Record<string, string>;
  workspaceRoot: string;
  warn(message: string): void;
  /** Bakes the parent stage again (it found no artifact of its fingerprint either); returns its new manifest. */
  rebuildParent(): Promise<StageManifest>;
}

/**
 * A manifest may come from a cache (local or remote) or an old checkout: before a child builds on it, each
 * recorded artifact is checked at the provider. One that is gone, or whose labels do not match, is not
 * trusted: an artifact of the same fingerprint is adopted instead, else the parent is rebuilt.
 */
export async function trustedBaseImages(options: TrustBaseOptions): Promise<Record<string, string>> {
  const { from, manifest } = options;
  const ref = `${from.pipeline}/${from.stage}`;
  const images = { ...options.baseImages };
  let patched = false;
  for (const builder of options.builders) {
    const provider = builderFor(builder.config.type);
    const query: ArtifactQuery = { builderName: builder.name, config: builder.config, pipeline: from.pipeline, stage: from.stage, fingerprint: manifest.fingerprint };
    const recorded = images[builder.name];
    const recordedData = manifest.builds.find((build) => build.artifact_id === recorded)?.custom_data;
    if (await provider.verifyArtifact(recorded, { ...query, recordedData })) continue;
    options.warn(`base ${ref}: recorded artifact ${recorded} is gone or does not carry fingerprint ${manifest.fingerprint}; not trusting it`);
    const found = await provider.findArtifact(query);
    if (!found) {
      options.warn(`base ${ref}: no artifact of fingerprint ${manifest.fingerprint} exists; rebuilding it`);
      const rebuilt = await options.rebuildParent();
      return Object.fromEntries(
        options.builders.map((entry) => [entry.name, (rebuilt.builds.find((build) => build.name === entry.name) ?? rebuilt.builds.find((build) => build.builder_type === entry.config.type))!.artifact_id]),
      );
    }
    options.warn(`base ${ref}: adopting ${found.id}, which carries fingerprint ${manifest.fingerprint}`);
    images[builder.name] = found.id;
    for (const build of manifest.builds) if (build.artifact_id === recorded) Object.assign(build, { artifact_id: found.id, custom_data: found.customData });
    patched = true;
  }
  // The parent's manifest now names what really exists, for siblings and later runs.
  if (patched) writeManifest(manifestPath(options.workspaceRoot, from.pipeline, from.stage), manifest);
  return images;
}
