import type { BuildResource, StoredArtifact } from '../builder';
import { ignoreNotFound, type DigitalOceanApi } from './api-client';
import type { DigitalOceanBuilderConfig } from './config';
import { artifactId, imageIdOf, NX_BAKE_TAG } from './tags';
import type { Droplet, Image } from './types';

/** Snapshots tagged `nx-bake`, with the identity and lineage their other tags carry. */
export async function listSnapshots(api: DigitalOceanApi, config: DigitalOceanBuilderConfig): Promise<StoredArtifact[]> {
  const images = await allPages<Image>(api, `/v2/images?private=true&tag_name=${NX_BAKE_TAG}`, 'images');
  return images.map((image) => {
    const tags = tagValues(image.tags ?? []);
    const [pipeline = '', stage = ''] = (tags.stage ?? '').split(':');
    return {
      id: artifactId(image.regions.includes(config.region) ? config.region : (image.regions[0] ?? config.region), image.id),
      pipeline,
      stage,
      fingerprint: tags.fp ?? '',
      base: tags.base,
      runId: tags.run,
      createdAt: new Date(image.created_at ?? 0),
      name: image.name,
    };
  });
}

export async function deleteSnapshot(api: DigitalOceanApi, artifact: string): Promise<void> {
  const id = imageIdOf(artifact);
  if (id === undefined) throw new Error(`${artifact} is not a DigitalOcean snapshot ID`);
  await api.delete(`/v2/images/${id}`).catch(ignoreNotFound);
}

/** Build droplets: every one is tagged `nx-bake` and with its run. SSH keys carry no tags: the run journal has them. */
export async function listBuildDroplets(api: DigitalOceanApi): Promise<BuildResource[]> {
  const droplets = await allPages<Droplet>(api, `/v2/droplets?tag_name=${NX_BAKE_TAG}`, 'droplets');
  return droplets.map((droplet) => {
    const tags = tagValues(droplet.tags ?? []);
    return {
      kind: 'droplet',
      id: String(droplet.id),
      runId: tags.run,
      pipeline: tags.stage?.split(':')[0],
      createdAt: droplet.created_at ? new Date(droplet.created_at) : undefined,
    };
  });
}

export async function deleteBuildResource(api: DigitalOceanApi, resource: BuildResource): Promise<void> {
  if (resource.kind === 'droplet') await api.delete(`/v2/droplets/${resource.id}`).catch(ignoreNotFound);
  if (resource.kind === 'ssh-key') await api.delete(`/v2/account/keys/${resource.id}`).catch(ignoreNotFound);
}

/** `nx-bake:<label>:<value>` tags as a label → value map. */
function tagValues(tags: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const tag of tags) {
    const match = /^nx-bake:([a-z]+):(.+)$/.exec(tag);
    if (match) values[match[1]] = match[2];
  }
  return values;
}

async function allPages<T>(api: DigitalOceanApi, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const body = await api.get<Record<string, unknown> & { links?: { pages?: { next?: string } } }>(`${path}&per_page=200&page=${page}`);
    items.push(...((body[key] as T[] | undefined) ?? []));
    if (!body.links?.pages?.next) return items;
  }
}
