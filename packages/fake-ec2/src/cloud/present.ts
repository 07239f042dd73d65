import type { Value } from '../query/decode';
import { ACCOUNT_ID } from './catalog';
import { ImageRecord, InstanceRecord, KeyPairRecord, Region, SecurityGroupRecord, SnapshotRecord, STATE_CODES } from './records';
import { tagList } from './tags';

/** Records as EC2's output shapes have them (member names of the model; the encoder names the elements). */

const ROOT_DEVICE = '/dev/xvda';

export function presentImage(image: ImageRecord): Value {
  return {
    Architecture: image.architecture,
    CreationDate: image.creationDate,
    ImageId: image.imageId,
    ImageLocation: `${image.ownerId}/${image.name}`,
    ImageType: 'machine',
    Public: image.public,
    OwnerId: image.ownerId,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    State: image.state,
    BlockDeviceMappings: image.snapshotId
      ? [{ DeviceName: ROOT_DEVICE, Ebs: { DeleteOnTermination: true, SnapshotId: image.snapshotId, VolumeSize: image.volumeSize, VolumeType: 'gp2', Encrypted: false } }]
      : [],
    ...(image.description !== undefined ? { Description: image.description } : {}),
    EnaSupport: image.enaSupport,
    Hypervisor: 'xen',
    Name: image.name,
    RootDeviceName: ROOT_DEVICE,
    RootDeviceType: 'ebs',
    SriovNetSupport: 'simple',
    ...(image.stateReason ? { StateReason: { Code: 'Client.ImageFailed', Message: image.stateReason } } : {}),
    ...(image.tags.size ? { Tags: tagList(image.tags) } : {}),
    VirtualizationType: 'hvm',
  };
}

export function presentSnapshot(snapshot: SnapshotRecord): Value {
  return {
    Description: snapshot.description,
    Encrypted: snapshot.encrypted,
    OwnerId: snapshot.ownerId,
    Progress: snapshot.state === 'completed' ? '100%' : '0%',
    SnapshotId: snapshot.snapshotId,
    StartTime: snapshot.startTime,
    State: snapshot.state,
    VolumeId: snapshot.volumeId,
    VolumeSize: snapshot.volumeSize,
    ...(snapshot.tags.size ? { Tags: tagList(snapshot.tags) } : {}),
  };
}

export function presentKeyPair(key: KeyPairRecord): Value {
  return { KeyPairId: key.keyPairId, KeyFingerprint: key.fingerprint, KeyName: key.keyName, KeyType: 'rsa', Tags: tagList(key.tags) };
}

export function presentSecurityGroup(group: SecurityGroupRecord): Value {
  return {
    Description: group.description,
    GroupName: group.groupName,
    IpPermissions: group.ingress.map((p) => ({ ...p, Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] })),
    OwnerId: group.ownerId,
    GroupId: group.groupId,
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    Tags: tagList(group.tags),
    VpcId: group.vpcId,
  };
}

export function presentInstanceState(instance: InstanceRecord): Value {
  return { Code: STATE_CODES[instance.state], Name: instance.state };
}

export function presentInstance(region: Region, instance: InstanceRecord): Value {
  const live = instance.state !== 'terminated';
  const publicIp = live && instance.hasPublicIp && instance.state !== 'stopped' && instance.state !== 'stopping';
  const groups = instance.securityGroupIds.map((id) => ({ GroupId: id, GroupName: region.securityGroups.get(id)?.groupName ?? id }));
  return {
    AmiLaunchIndex: 0,
    ImageId: instance.imageId,
    InstanceId: instance.instanceId,
    InstanceType: instance.instanceType,
    ...(instance.keyName ? { KeyName: instance.keyName } : {}),
    LaunchTime: instance.launchTime,
    Monitoring: { State: 'disabled' },
    Placement: { AvailabilityZone: instance.availabilityZone, GroupName: '', Tenancy: 'default' },
    PrivateDnsName: live ? `ip-${instance.address.replace(/\./g, '-')}.ec2.internal` : '',
    ...(live ? { PrivateIpAddress: instance.address } : {}),
    PublicDnsName: '',
    ...(publicIp ? { PublicIpAddress: instance.address } : {}),
    State: presentInstanceState(instance),
    StateTransitionReason: instance.stateReason ?? '',
    ...(live ? { SubnetId: instance.subnetId, VpcId: instance.vpcId } : {}),
    Architecture: 'x86_64',
    BlockDeviceMappings: live
      ? [{ DeviceName: ROOT_DEVICE, Ebs: { AttachTime: instance.launchTime, DeleteOnTermination: instance.rootDeleteOnTermination, Status: 'attached', VolumeId: instance.rootVolumeId } }]
      : [],
    EbsOptimized: false,
    EnaSupport: true,
    Hypervisor: 'xen',
    ...(instance.iamInstanceProfile ? { IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${instance.iamInstanceProfile}`, Id: 'AIPAFAKEPROFILE' } } : {}),
    RootDeviceName: ROOT_DEVICE,
    RootDeviceType: 'ebs',
    SecurityGroups: groups,
    SourceDestCheck: true,
    ...(instance.stateReason ? { StateReason: { Code: instance.stateReason, Message: instance.stateReason } } : {}),
    ...(instance.tags.size ? { Tags: tagList(instance.tags) } : {}),
    VirtualizationType: 'hvm',
  };
}
