import { Cloud } from '../cloud/cloud';

/** What the fake holds, for tests and leak checks (`GET /_fake/state`). */
export interface FakeState {
  sshPort: number;
  /** The droplets' addresses are in this /24. */
  addressBlock: string;
  droplets: {
    id: number;
    name: string;
    status: string;
    locked: boolean;
    ip: string;
    region: string;
    size: string;
    imageId: number;
    tags: string[];
    /** As given at creation (a leak check reads it). */
    userData: string | null;
    containerId: string | null;
    snapshotIds: number[];
    error: string | null;
  }[];
  keys: { id: number; name: string; fingerprint: string }[];
  snapshots: {
    id: number;
    name: string;
    localImage: string;
    sourceDropletId: number | null;
    regions: string[];
    tags: string[];
    sizeGigabytes: number;
  }[];
  actionsInProgress: { id: number; type: string; resourceType: string; resourceId: number }[];
  tags: string[];
  /** Snapshot images deleted through the API but still used by a droplet's container. */
  pendingImageRemovals: string[];
}

export function stateOf(cloud: Cloud): FakeState {
  const { store } = cloud;
  return {
    sshPort: cloud.settings.sshPort,
    addressBlock: `127.77.${cloud.addresses.block}.0/24`,
    droplets: [...store.droplets.values()].map((d) => ({
      id: d.id,
      name: d.name,
      status: d.status,
      locked: d.locked,
      ip: d.ip,
      region: d.region,
      size: d.size,
      imageId: d.imageId,
      tags: [...d.tags],
      userData: d.userData ?? null,
      containerId: d.containerId ?? null,
      snapshotIds: [...d.snapshotIds],
      error: d.error ?? null,
    })),
    keys: [...store.keys.values()].map((k) => ({ id: k.id, name: k.name, fingerprint: k.fingerprint })),
    snapshots: store.snapshots().map((i) => ({
      id: i.id,
      name: i.name,
      localImage: i.localImage,
      sourceDropletId: i.sourceDropletId ?? null,
      regions: [...i.regions],
      tags: [...i.tags],
      sizeGigabytes: i.sizeGigabytes,
    })),
    actionsInProgress: [...store.actions.values()]
      .filter((a) => a.status === 'in-progress')
      .map((a) => ({ id: a.id, type: a.type, resourceType: a.resourceType, resourceId: a.resourceId })),
    tags: [...store.tags],
    pendingImageRemovals: [...cloud.pendingImageRemovals],
  };
}
