/** The fake's resources, one region's worth each; tags are kept on the resource they name. */

export type Tags = Map<string, string>;

export interface ImageRecord {
  imageId: string;
  name: string;
  description?: string;
  ownerId: string;
  state: 'pending' | 'available' | 'failed';
  stateReason?: string;
  creationDate: string;
  /** The Docker image its instances start from (the base image, or a committed one). */
  localImage?: string;
  /** Whether the fake made `localImage` (a commit), so deregistering the last AMI on it removes it. */
  committed: boolean;
  snapshotId?: string;
  volumeSize: number;
  architecture: 'x86_64' | 'arm64';
  enaSupport: boolean;
  public: boolean;
  launchUsers: Set<string>;
  tags: Tags;
  /** CreateImage's tags for the snapshot it will make. */
  pendingSnapshotTags?: Tags;
}

export interface SnapshotRecord {
  snapshotId: string;
  volumeId: string;
  state: 'pending' | 'completed' | 'error';
  startTime: string;
  volumeSize: number;
  ownerId: string;
  description: string;
  encrypted: boolean;
  tags: Tags;
}

export interface KeyPairRecord {
  keyPairId: string;
  keyName: string;
  fingerprint: string;
  publicKey: string;
  tags: Tags;
}

export interface IpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: { CidrIp: string }[];
}

export interface SecurityGroupRecord {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ownerId: string;
  ingress: IpPermission[];
  tags: Tags;
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface InstanceRecord {
  instanceId: string;
  /** The runtime's number for the container (names and labels). */
  seq: number;
  imageId: string;
  instanceType: string;
  keyName?: string;
  state: InstanceStateName;
  stateReason?: string;
  launchTime: string;
  /** Its own loopback address, where its sshd listens: both its private and its public address. */
  address: string;
  hasPublicIp: boolean;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  securityGroupIds: string[];
  userData?: string;
  iamInstanceProfile?: string;
  rootVolumeId: string;
  rootDeleteOnTermination: boolean;
  volumeSize: number;
  containerId?: string;
  /** Status checks: `initializing` until the machine is up (and a while after), then `ok`. */
  statusOk: boolean;
  /** The "never passes status checks" fault. */
  neverHealthy: boolean;
  tags: Tags;
  /** Container operations run one after another. */
  queue: Promise<unknown>;
  /** Changes with each boot and stop: background work for an older boot gives up. */
  generation: number;
  error?: string;
}

export interface Region {
  name: string;
  vpcId: string;
  subnetId: string;
  availabilityZones: string[];
  images: Map<string, ImageRecord>;
  snapshots: Map<string, SnapshotRecord>;
  keyPairs: Map<string, KeyPairRecord>;
  securityGroups: Map<string, SecurityGroupRecord>;
  instances: Map<string, InstanceRecord>;
}
