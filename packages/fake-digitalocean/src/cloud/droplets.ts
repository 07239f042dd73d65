import { doTime } from '../util/time';
import { finishAction, startAction } from './actions';
import { notFound, unprocessable } from './api-error';
import { findRegion, findSize } from './catalog';
import { Cloud } from './cloud';
import { enqueue } from './container-queue';
import { awaitBoot, createContainer, launchSshd } from './droplet-boot';
import { Action, Droplet, Image, SshKey } from './records';

const NAME = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/;
const DEFAULT_VPC = '5a4981aa-9653-4bd1-bef5-d6bff52042e4';

/** POST /v2/droplets: checks the request like DigitalOcean, then creates each droplet and boots it. */
export async function createDroplets(cloud: Cloud, body: Record<string, unknown>): Promise<{ droplet: Droplet; action: Action }[]> {
  const names = Array.isArray(body.names) ? body.names : [body.name];
  if (names.length === 0 || names.some((n) => typeof n !== 'string' || n.length > 255 || !NAME.test(n))) {
    throw unprocessable('Name is invalid: only letters, digits, dots and dashes.');
  }
  const region = findRegion(body.region);
  if (!region) throw unprocessable('You specified an invalid region for Droplet creation.');
  const size = findSize(body.size);
  if (!size) throw unprocessable('You specified an invalid size for Droplet creation.');
  const image = imageFor(cloud, body.image, region.slug);
  const keys = keysFor(cloud, body.ssh_keys);
  if (!(await cloud.runtime.imageExists(image.localImage))) {
    throw unprocessable(`The image ${image.slug ?? image.id} stands for the local Docker image ${image.localImage}, which this host does not have.`);
  }
  const tags = Array.isArray(body.tags) ? body.tags.map(String) : [];
  const created: { droplet: Droplet; action: Action }[] = [];
  for (const name of names as string[]) {
    const droplet: Droplet = {
      id: cloud.store.nextId('droplet'),
      name,
      region: region.slug,
      size: size.slug,
      imageId: image.id,
      tags: [...tags],
      sshKeyIds: keys.map((k) => k.id),
      authorizedKeys: keys.map((k) => k.publicKey),
      userData: typeof body.user_data === 'string' ? body.user_data : undefined,
      monitoring: body.monitoring === true,
      ipv6: body.ipv6 === true,
      vpcUuid: typeof body.vpc_uuid === 'string' ? body.vpc_uuid : DEFAULT_VPC,
      status: 'new',
      locked: false,
      createdAt: doTime(),
      ip: await cloud.addresses.allocate(),
      snapshotIds: [],
      containerQueue: Promise.resolve(),
      bootGeneration: 0,
      destroyed: false,
    };
    cloud.store.droplets.set(droplet.id, droplet);
    tags.forEach((t) => cloud.store.tags.add(t));
    created.push({ droplet, action: boot(cloud, droplet, image) });
  }
  return created;
}

/** The create action: the machine booted and its cloud-init done, sshd started (maybe late), `active` after the boot delay (or never). */
function boot(cloud: Cloud, droplet: Droplet, image: Image): Action {
  const neverActive = cloud.faults.takeNeverActive();
  const lateSshMs = cloud.faults.takeLateSsh();
  return startAction(cloud, 'create', { id: droplet.id, type: 'droplet', region: droplet.region }, async () => {
    await createContainer(cloud, droplet, image.localImage);
    await awaitBoot(cloud, droplet);
    launchSshd(cloud, droplet, lateSshMs);
    await cloud.lifetime.sleep(cloud.settings.activeDelayMs);
    if (neverActive) await cloud.lifetime.forever();
    if (!droplet.destroyed) droplet.status = 'active';
  });
}

/** DELETE /v2/droplets/{id}: gone from the API at once; its container is removed before the reply. */
export async function destroyDroplet(cloud: Cloud, id: number): Promise<void> {
  const droplet = cloud.store.droplets.get(id);
  if (!droplet) throw notFound();
  cloud.store.droplets.delete(id);
  droplet.destroyed = true;
  // Its actions still in progress end with it (a stuck one would otherwise stay in progress forever).
  for (let action = cloud.store.pendingAction(id); action; action = cloud.store.pendingAction(id)) {
    finishAction(action, 'the droplet was destroyed');
  }
  await enqueue(droplet, async () => {
    if (droplet.containerId) await cloud.runtime.remove(droplet.containerId);
  });
  cloud.addresses.release(droplet.ip);
  await cloud.retryImageRemovals();
}

export async function destroyDropletsByTag(cloud: Cloud, tag: string): Promise<void> {
  const tagged = [...cloud.store.droplets.values()].filter((d) => d.tags.includes(tag));
  await Promise.all(tagged.map((d) => destroyDroplet(cloud, d.id)));
}

function imageFor(cloud: Cloud, ref: unknown, region: string): Image {
  const image = typeof ref === 'string' || typeof ref === 'number' ? cloud.store.findImage(ref) : undefined;
  if (!image) throw unprocessable('You specified an invalid image for Droplet creation.');
  if (!image.regions.includes(region)) {
    throw unprocessable(`The image ${image.id} is not available in ${region}; transfer it there first.`);
  }
  return image;
}

function keysFor(cloud: Cloud, refs: unknown): SshKey[] {
  const list = Array.isArray(refs) ? refs : [];
  if (list.length === 0) {
    throw unprocessable('This fake requires at least one SSH key (ssh_keys) to create a Droplet: it has no password login.');
  }
  return list.map((ref) => {
    const key = typeof ref === 'string' || typeof ref === 'number' ? cloud.store.findKey(ref) : undefined;
    if (!key) throw unprocessable(`You specified an invalid SSH key for Droplet creation: ${JSON.stringify(ref)}.`);
    return key;
  });
}
