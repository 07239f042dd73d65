import { startAction } from './actions';
import { ApiError, notFound, unprocessable } from './api-error';
import { findRegion } from './catalog';
import { Cloud } from './cloud';
import { Action, Image } from './records';

export function getImage(cloud: Cloud, idOrSlug: string | number): Image {
  const image = cloud.store.findImage(idOrSlug);
  if (!image) throw notFound();
  return image;
}

/** A snapshot by id, for /v2/snapshots: 404 when unknown, 400 when the image is not a snapshot. */
export function getSnapshot(cloud: Cloud, id: string | number): Image {
  const image = /^\d+$/.test(String(id)) ? cloud.store.images.get(Number(id)) : undefined;
  if (!image) throw notFound();
  if (image.type !== 'snapshot') throw new ApiError(400, 'bad_request', `Image ${image.id} is not a snapshot.`);
  return image;
}

/** PUT /v2/images/{id}: name, distribution, description of a private image. */
export function updateImage(cloud: Cloud, id: number, body: Record<string, unknown>): Image {
  const image = getImage(cloud, id);
  if (image.public) throw notFound();
  if (typeof body.name === 'string') image.name = body.name;
  if (typeof body.distribution === 'string') image.distribution = body.distribution;
  if (typeof body.description === 'string') image.description = body.description;
  return image;
}

/** DELETE of a snapshot: the record at once, its Docker image as soon as no droplet's container uses it. */
export async function deleteSnapshotImage(cloud: Cloud, image: Image): Promise<void> {
  if (image.type !== 'snapshot') throw notFound();
  cloud.store.images.delete(image.id);
  for (const droplet of cloud.store.droplets.values()) {
    droplet.snapshotIds = droplet.snapshotIds.filter((id) => id !== image.id);
  }
  if (!(await cloud.runtime.removeImage(image.localImage))) cloud.pendingImageRemovals.add(image.localImage);
}

/** POST /v2/images/{id}/actions: `transfer` adds the region when it completes; `convert` is not offered. */
export function imageAction(cloud: Cloud, id: number, body: Record<string, unknown>): Action {
  const image = getImage(cloud, id);
  if (body.type !== 'transfer') throw unprocessable(`The fake implements the image action transfer; not ${String(body.type)}.`);
  if (image.public) throw unprocessable('Public images cannot be transferred.');
  const region = findRegion(body.region);
  if (!region) throw unprocessable('You specified an invalid region for the transfer.');
  return startAction(cloud, 'transfer', { id: image.id, type: 'image', region: region.slug }, async () => {
    if (!image.regions.includes(region.slug)) image.regions.push(region.slug);
  });
}
