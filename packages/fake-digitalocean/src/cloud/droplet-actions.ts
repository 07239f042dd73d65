import { doTime } from '../util/time';
import { finishAction, startAction } from './actions';
import { notFound, unprocessable } from './api-error';
import { findSize } from './catalog';
import { Cloud } from './cloud';
import { enqueue } from './container-queue';
import { awaitBoot, containerOf, launchSshd, restartContainer, startContainer, stopContainer } from './droplet-boot';
import { Action, Droplet } from './records';

const IMPLEMENTED = ['shutdown', 'power_off', 'power_on', 'reboot', 'power_cycle', 'rename', 'snapshot'];

/** POST /v2/droplets/{id}/actions. One action at a time per droplet, as on DigitalOcean. */
export function dropletAction(cloud: Cloud, id: number, body: Record<string, unknown>): Action {
  const droplet = cloud.store.droplets.get(id);
  if (!droplet) throw notFound();
  const type = String(body.type);
  if (!IMPLEMENTED.includes(type)) {
    throw unprocessable(`The fake implements the droplet actions ${IMPLEMENTED.join(', ')}; not ${type}.`);
  }
  const pending = cloud.store.pendingAction(id);
  // A power_off ends a shutdown the droplet ignores (as Packer's fallback expects); anything else waits its turn.
  if (pending && type === 'power_off' && pending.type === 'shutdown') finishAction(pending, 'superseded by power_off');
  else if (pending) throw unprocessable('Droplet already has a pending event.');
  const target = { id, type: 'droplet' as const, region: droplet.region };

  switch (type) {
    case 'shutdown':
    case 'power_off':
      return startAction(cloud, type, target, async () => {
        if (droplet.status === 'off') return;
        await stopContainer(cloud, droplet, type === 'shutdown');
        droplet.status = 'off';
      });
    case 'power_on': {
      const lateSshMs = cloud.faults.takeLateSsh();
      return startAction(cloud, type, target, async () => {
        if (droplet.status !== 'off') return;
        await startContainer(cloud, droplet);
        await awaitBoot(cloud, droplet);
        launchSshd(cloud, droplet, lateSshMs);
        droplet.status = 'active';
      });
    }
    case 'reboot':
    case 'power_cycle': {
      const lateSshMs = cloud.faults.takeLateSsh();
      return startAction(cloud, type, target, async () => {
        await restartContainer(cloud, droplet);
        await awaitBoot(cloud, droplet);
        launchSshd(cloud, droplet, lateSshMs);
        droplet.status = 'active';
      });
    }
    case 'rename': {
      const name = body.name;
      if (typeof name !== 'string' || name.length === 0) throw unprocessable('A rename action needs a name.');
      return startAction(cloud, type, target, async () => {
        droplet.name = name;
      });
    }
    default:
      return snapshot(cloud, droplet, typeof body.name === 'string' && body.name ? body.name : undefined);
  }
}

/** `docker commit` of the droplet's container, published as a private snapshot image when the action completes. */
function snapshot(cloud: Cloud, droplet: Droplet, requestedName: string | undefined): Action {
  const fail = cloud.faults.takeSnapshotFailure();
  const name = requestedName ?? `${droplet.name}-${Date.now()}`;
  droplet.locked = true;
  return startAction(cloud, 'snapshot', { id: droplet.id, type: 'droplet', region: droplet.region }, async () => {
    try {
      if (fail) throw new Error('snapshot failed (fault injected by the test)');
      const imageId = cloud.store.nextId('image');
      const { ref, sizeBytes } = await enqueue(droplet, () => cloud.runtime.commit(containerOf(droplet), imageId, name));
      const base = cloud.store.images.get(droplet.imageId);
      cloud.store.images.set(imageId, {
        id: imageId,
        name,
        type: 'snapshot',
        distribution: base?.distribution ?? 'Unknown',
        slug: null,
        public: false,
        regions: [droplet.region],
        createdAt: doTime(),
        minDiskSize: findSize(droplet.size)?.disk ?? 25,
        sizeGigabytes: Math.max(0.01, Math.round(sizeBytes / 1e7) / 100),
        tags: [],
        description: '',
        localImage: ref,
        sourceDropletId: droplet.id,
      });
      droplet.snapshotIds.push(imageId);
    } finally {
      droplet.locked = false;
    }
  });
}
