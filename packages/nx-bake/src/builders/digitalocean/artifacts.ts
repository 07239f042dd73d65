import type { Artifact, ArtifactQuery } from '../builder';
import type { DigitalOceanApi } from './api-client';
import type { DigitalOceanBuilderConfig } from './config';
import { artifactId, builderTag, fingerprintTag, imageIdOf, stageTag } from './tags';
import type { Image } from './types';

/** The newest snapshot tagged with this stage and fingerprint, to adopt instead of baking again. */
export async function findSnapshot(api: DigitalOceanApi, config: DigitalOceanBuilderConfig, query: ArtifactQuery): Promise<Artifact | undefined> {
  const { images } = await api.get<{ images: Image[] }>(`/v2/images?private=true&per_page=200&tag_name=${encodeURIComponent(fingerprintTag(query.fingerprint))}`);
  const image = images
    .filter((candidate) => isStageBuild(candidate, query) && candidate.regions.includes(config.region))
    .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''))
    .pop();
  if (!image) return undefined;
  return { builderName: query.builderName, builderType: 'digitalocean', id: artifactId(config.region, image.id), files: [], customData: { snapshot_name: image.name, region: config.region } };
}

export async function verifySnapshot(api: DigitalOceanApi, artifact: string, query: ArtifactQuery): Promise<boolean> {
  const id = imageIdOf(artifact);
  if (id === undefined) return false;
  try {
    const { image } = await api.get<{ image: Image }>(`/v2/images/${id}`);
    return isStageBuild(image, query);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

/** Tagged as this stage's build by this builder, with this fingerprint. */
function isStageBuild(image: Image, query: ArtifactQuery): boolean {
  const tags = image.tags ?? [];
  return [fingerprintTag(query.fingerprint), stageTag(query.pipeline, query.stage), builderTag(query.builderName)].every((wanted) => tags.includes(wanted));
}
