import { ACCOUNT_ID } from '../../cloud/catalog';
import { Ec2Error } from '../../cloud/ec2-error';
import { applyFilters, FilterFields } from '../../cloud/filters';
import { newId } from '../../cloud/ids';
import { boot, stop, terminate } from '../../cloud/instance-lifecycle';
import { mustFind, selectByIds } from '../../cloud/lookup';
import { presentInstance, presentInstanceState } from '../../cloud/present';
import { InstanceRecord, Region } from '../../cloud/records';
import { tagsFor } from '../../cloud/tags';
import type { Value } from '../../query/decode';
import type { Call, Handler } from './types';

const INSTANCE_FILTERS: FilterFields<InstanceRecord> = {
  'instance-id': (i) => i.instanceId,
  'instance-state-name': (i) => i.state,
  'image-id': (i) => i.imageId,
  'instance-type': (i) => i.instanceType,
  'key-name': (i) => i.keyName,
  'vpc-id': (i) => i.vpcId,
  'subnet-id': (i) => i.subnetId,
  'instance.group-id': (i) => i.securityGroupIds,
  'private-ip-address': (i) => i.address,
  'ip-address': (i) => (i.hasPublicIp ? i.address : undefined),
};

/** RunInstances: one instance (MinCount = MaxCount = 1), booted from the AMI's local image in the background. */
async function runInstances({ cloud, region, input }: Call): Promise<Record<string, Value>> {
  if (input.MinCount !== 1 || input.MaxCount !== 1) throw new Ec2Error('InvalidParameterValue', 'This fake runs one instance per call (MinCount = MaxCount = 1)');
  if (!input.ImageId) throw new Ec2Error('MissingParameter', 'The request must contain the parameter ImageId');
  const image = mustFind(region.images, input.ImageId, 'InvalidAMIID.NotFound', 'image id');
  if (image.state !== 'available' || !image.localImage) throw new Ec2Error('InvalidAMIID.Unavailable', `The image id '[${image.imageId}]' is not available`);
  const key = input.KeyName ? region.keyPairs.get(input.KeyName) : undefined;
  if (input.KeyName && !key) throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${input.KeyName}' does not exist`);
  const nic = (input.NetworkInterfaces ?? []).find((n: { DeviceIndex?: number }) => (n.DeviceIndex ?? 0) === 0);
  const groupIds: string[] = [...(input.SecurityGroupIds ?? []), ...(nic?.Groups ?? [])];
  const groupNames: string[] = input.SecurityGroups ?? [];
  for (const id of groupIds) mustFind(region.securityGroups, id, 'InvalidGroup.NotFound', 'security group');
  for (const name of groupNames) {
    const group = [...region.securityGroups.values()].find((g) => g.groupName === name);
    if (!group) throw new Ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${region.vpcId}'`);
    groupIds.push(group.groupId);
  }
  const defaultGroup = groupIds.length === 0 ? defaultSecurityGroupId(region) : undefined;
  const subnetId: string = input.SubnetId ?? nic?.SubnetId ?? region.subnetId;
  if (subnetId !== region.subnetId) throw new Ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
  if (cloud.faults.takeInsufficientCapacity()) {
    throw new Ec2Error('InsufficientInstanceCapacity', `We currently do not have sufficient ${input.InstanceType ?? 'm1.small'} capacity in the Availability Zone you requested (${region.availabilityZones[0]}).`, 500);
  }
  const root = (input.BlockDeviceMappings ?? []).find((m: { DeviceName?: string }) => m.DeviceName === '/dev/xvda' || m.DeviceName === '/dev/sda1');
  const instance: InstanceRecord = {
    instanceId: newId('i'),
    seq: cloud.nextSeq(),
    imageId: image.imageId,
    instanceType: input.InstanceType ?? 'm1.small',
    keyName: key?.keyName,
    state: 'pending',
    launchTime: new Date().toISOString(),
    address: await cloud.addresses.allocate(),
    // The default subnet maps public addresses; a NetworkInterfaces entry can say otherwise.
    hasPublicIp: nic?.AssociatePublicIpAddress ?? true,
    subnetId,
    vpcId: region.vpcId,
    availabilityZone: input.Placement?.AvailabilityZone ?? region.availabilityZones[0],
    securityGroupIds: defaultGroup ? [defaultGroup] : groupIds,
    userData: input.UserData ? Buffer.from(input.UserData, 'base64').toString('utf8') : undefined,
    iamInstanceProfile: input.IamInstanceProfile?.Name ?? input.IamInstanceProfile?.Arn?.split('/').pop(),
    rootVolumeId: newId('vol'),
    rootDeleteOnTermination: root?.Ebs?.DeleteOnTermination ?? true,
    volumeSize: root?.Ebs?.VolumeSize ?? image.volumeSize,
    statusOk: false,
    neverHealthy: cloud.faults.takeNeverHealthy(),
    tags: tagsFor('instance', input.TagSpecifications),
    queue: Promise.resolve(),
    generation: 0,
  };
  region.instances.set(instance.instanceId, instance);
  boot(cloud, instance, image.localImage, key ? [key.publicKey] : []);
  return { ReservationId: newId('r'), OwnerId: ACCOUNT_ID, Groups: [], Instances: [presentInstance(region, instance)] };
}

/** The VPC's `default` group, made on first use as EC2 has it from the start. */
function defaultSecurityGroupId(region: Region): string {
  const existing = [...region.securityGroups.values()].find((g) => g.groupName === 'default');
  if (existing) return existing.groupId;
  const groupId = newId('sg');
  region.securityGroups.set(groupId, { groupId, groupName: 'default', description: 'default VPC security group', vpcId: region.vpcId, ownerId: ACCOUNT_ID, ingress: [], tags: new Map() });
  return groupId;
}

function stateChanges(region: Region, ids: string[], change: (instance: InstanceRecord) => void): Value[] {
  const instances = ids.map((id) => mustFind(region.instances, id, 'InvalidInstanceID.NotFound', 'instance ID'));
  return instances.map((instance) => {
    const PreviousState = presentInstanceState(instance);
    change(instance);
    return { InstanceId: instance.instanceId, PreviousState, CurrentState: presentInstanceState(instance) };
  });
}

function status(ok: boolean): { Status: string; Details: { Name: string; Status: string }[] } {
  const value = ok ? 'passed' : 'initializing';
  return { Status: ok ? 'ok' : 'initializing', Details: [{ Name: 'reachability', Status: value }] };
}

export const instanceHandlers: Record<string, Handler> = {
  RunInstances: runInstances,
  DescribeInstances: ({ region, input }) => {
    const instances = applyFilters(selectByIds(region.instances, input.InstanceIds, 'InvalidInstanceID.NotFound', 'instance ID'), input.Filters, INSTANCE_FILTERS);
    return {
      Reservations: instances.map((instance) => ({
        ReservationId: `r-${instance.instanceId.slice(2)}`,
        OwnerId: ACCOUNT_ID,
        Groups: [],
        Instances: [presentInstance(region, instance)],
      })),
    };
  },
  DescribeInstanceStatus: ({ region, input }) => {
    const all = selectByIds(region.instances, input.InstanceIds, 'InvalidInstanceID.NotFound', 'instance ID');
    const shown = all.filter((i) => input.IncludeAllInstances || i.state === 'running');
    return {
      InstanceStatuses: shown.map((instance) => ({
        AvailabilityZone: instance.availabilityZone,
        InstanceId: instance.instanceId,
        InstanceState: presentInstanceState(instance),
        InstanceStatus: status(instance.statusOk),
        SystemStatus: status(instance.statusOk || (instance.state === 'running' && !instance.neverHealthy)),
      })),
    };
  },
  StopInstances: ({ cloud, region, input }) => ({
    StoppingInstances: stateChanges(region, input.InstanceIds, (instance) => {
      if (instance.state === 'terminated' || instance.state === 'shutting-down') throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.instanceId}' is not in a state from which it can be stopped`);
      if (instance.state !== 'stopped') stop(cloud, instance);
    }),
  }),
  StartInstances: ({ cloud, region, input }) => ({
    StartingInstances: stateChanges(region, input.InstanceIds, (instance) => {
      if (instance.state !== 'stopped') throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.instanceId}' is not in a state from which it can be started`);
      instance.state = 'pending';
      const image = region.images.get(instance.imageId);
      const key = instance.keyName ? region.keyPairs.get(instance.keyName) : undefined;
      boot(cloud, instance, image?.localImage ?? cloud.settings.baseImage, key ? [key.publicKey] : []);
    }),
  }),
  TerminateInstances: ({ cloud, region, input }) => ({
    TerminatingInstances: stateChanges(region, input.InstanceIds, (instance) => {
      if (instance.state !== 'terminated' && instance.state !== 'shutting-down') terminate(cloud, instance);
    }),
  }),
};
