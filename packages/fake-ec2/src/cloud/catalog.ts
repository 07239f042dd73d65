import { newId } from './ids';
import { ImageRecord, Region, SnapshotRecord } from './records';

/** The account the fake's credentials belong to (what `self` means in Owners). */
export const ACCOUNT_ID = '123456789012';
/** Debian's AWS account: its official AMIs are owned by it. */
export const DEBIAN_OWNER_ID = '136693071363';
export const DEFAULT_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];
export const DEBIAN_12_AMI_NAME = 'debian-12-amd64-20240717-1811';

/** A region as an account starts with it: a default VPC with one default subnet, and Debian 12's AMI backed by `baseImage`. */
export function freshRegion(name: string, baseImage: string): Region {
  const region: Region = {
    name,
    vpcId: newId('vpc'),
    subnetId: newId('subnet'),
    availabilityZones: ['a', 'b', 'c'].map((zone) => `${name}${zone}`),
    images: new Map(),
    snapshots: new Map(),
    keyPairs: new Map(),
    securityGroups: new Map(),
    instances: new Map(),
  };
  const snapshot: SnapshotRecord = {
    snapshotId: newId('snap'),
    volumeId: newId('vol'),
    state: 'completed',
    startTime: '2024-07-17T18:11:00.000Z',
    volumeSize: 8,
    ownerId: DEBIAN_OWNER_ID,
    description: '',
    encrypted: false,
    tags: new Map(),
  };
  const debian: ImageRecord = {
    imageId: newId('ami'),
    name: DEBIAN_12_AMI_NAME,
    description: 'Debian 12 (20240717-1811)',
    ownerId: DEBIAN_OWNER_ID,
    state: 'available',
    creationDate: '2024-07-17T18:11:00.000Z',
    localImage: baseImage,
    committed: false,
    snapshotId: snapshot.snapshotId,
    volumeSize: 8,
    architecture: 'x86_64',
    enaSupport: true,
    public: true,
    launchUsers: new Set(),
    tags: new Map(),
  };
  region.snapshots.set(snapshot.snapshotId, snapshot);
  region.images.set(debian.imageId, debian);
  return region;
}
