import { ApiError, notFound } from './api-error';
import { Cloud } from './cloud';

const TAG = /^[a-zA-Z0-9_\-:]+$/;

/** POST /v2/tags: creating an existing tag is fine, as on DigitalOcean. */
export function createTag(cloud: Cloud, name: unknown): string {
  if (typeof name !== 'string' || !TAG.test(name) || name.length > 255) {
    const message = `Error validating resource tag: "tag-name ${JSON.stringify(String(name))} contains invalid characters"`;
    throw new ApiError(400, 'bad_request', message, { error: message, messages: null, root_causes: [message] });
  }
  cloud.store.tags.add(name);
  return name;
}

/** POST /v2/tags/{tag}/resources: droplets and images (snapshots are tagged as `image`). */
export function tagResources(cloud: Cloud, tag: string, resources: unknown): void {
  if (!cloud.store.tags.has(tag)) throw notFound(`Tag ${tag} not found.`);
  const list = Array.isArray(resources) ? (resources as { resource_id?: unknown; resource_type?: unknown }[]) : [];
  const targets = list.map((r) => {
    const id = Number(r.resource_id);
    const record =
      r.resource_type === 'droplet'
        ? cloud.store.droplets.get(id)
        : r.resource_type === 'image'
          ? cloud.store.images.get(id)
          : undefined;
    if (!record || (r.resource_type === 'image' && 'public' in record && record.public)) {
      throw notFound(`Resource ${String(r.resource_type)} ${String(r.resource_id)} not found.`);
    }
    return record;
  });
  for (const record of targets) if (!record.tags.includes(tag)) record.tags.push(tag);
}

export function countTagged(cloud: Cloud, tag: string): { droplets: number; images: number } {
  return {
    droplets: [...cloud.store.droplets.values()].filter((d) => d.tags.includes(tag)).length,
    images: [...cloud.store.images.values()].filter((i) => i.tags.includes(tag)).length,
  };
}
