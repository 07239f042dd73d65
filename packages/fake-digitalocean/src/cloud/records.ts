/** What the fake cloud holds. Field names follow the fake's model; `present.ts` turns them into API shapes. */

export interface SshKey {
  id: number;
  fingerprint: string;
  publicKey: string;
  name: string;
}

export type DropletStatus = 'new' | 'active' | 'off' | 'archive';

export interface Droplet {
  id: number;
  name: string;
  region: string;
  size: string;
  imageId: number;
  tags: string[];
  sshKeyIds: number[];
  /** The public keys of `sshKeyIds` at creation: root's authorized keys, added at every boot. */
  authorizedKeys: string[];
  userData?: string;
  monitoring: boolean;
  ipv6: boolean;
  vpcUuid: string;
  status: DropletStatus;
  locked: boolean;
  createdAt: string;
  /** The droplet's own loopback address; sshd listens on it only. */
  ip: string;
  containerId?: string;
  snapshotIds: number[];
  /** Container operations run one after another through this chain (see `cloud/container-queue.ts`). */
  containerQueue: Promise<unknown>;
  /** Bumped at every container start, so a late sshd start for an earlier boot is dropped. */
  bootGeneration: number;
  destroyed: boolean;
  /** The last thing that went wrong with the droplet's container or sshd, for `/_fake/state`. */
  error?: string;
}

export type ImageType = 'base' | 'snapshot';

export interface Image {
  id: number;
  name: string;
  type: ImageType;
  distribution: string;
  slug: string | null;
  public: boolean;
  regions: string[];
  createdAt: string;
  minDiskSize: number;
  sizeGigabytes: number;
  tags: string[];
  description: string;
  /** The local Docker image a droplet made from this image starts from. */
  localImage: string;
  sourceDropletId?: number;
}

export type ActionStatus = 'in-progress' | 'completed' | 'errored';

export interface Action {
  id: number;
  type: string;
  status: ActionStatus;
  startedAt: string;
  completedAt: string | null;
  resourceId: number;
  resourceType: 'droplet' | 'image';
  regionSlug: string | null;
  error?: string;
}
