import { blockDeviceMapping, runInstancesRequest, sshAddress } from './run-instance';
import { testConfig, testRequest } from '../../../test/support/amazon-ebs-config';

const inputs = { imageId: 'ami-0abc', keyName: 'nx-bake-images-app-base-01234567', securityGroupIds: ['sg-1'] };
const ourTags = [
  { Key: 'Name', Value: 'nx-bake-images-app-base-01234567' },
  { Key: 'nx-bake.pipeline', Value: 'images' },
  { Key: 'nx-bake.stage', Value: 'app-base' },
  { Key: 'nx-bake.run', Value: '0123456789abcdef' },
];
const wire = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('runInstancesRequest', () => {
  it.each([
    [
      'with the defaults: the build key and groups, our tags on instance and volumes',
      testConfig(),
      inputs,
      {
        ImageId: 'ami-0abc',
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        KeyName: 'nx-bake-images-app-base-01234567',
        SecurityGroupIds: ['sg-1'],
        InstanceInitiatedShutdownBehavior: 'stop',
        TagSpecifications: [
          { ResourceType: 'instance', Tags: ourTags },
          { ResourceType: 'volume', Tags: ourTags },
        ],
      },
    ],
    [
      'run_tags first, ours win; subnet, profile by name, user data in base64',
      testConfig({ run_tags: { team: 'web', Name: 'mine' }, subnet_id: 'subnet-1', iam_instance_profile: 'builder' }),
      { ...inputs, userData: '#cloud-config\n' },
      expect.objectContaining({
        SubnetId: 'subnet-1',
        IamInstanceProfile: { Name: 'builder' },
        UserData: Buffer.from('#cloud-config\n').toString('base64'),
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'web' }, ...ourTags] },
          { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'web' }, ...ourTags] },
        ],
      }),
    ],
    [
      'associate_public_ip_address: asked on the network interface, which carries subnet and groups',
      testConfig({ associate_public_ip_address: true, subnet_id: 'subnet-1', iam_instance_profile: 'arn:aws:iam::1:instance-profile/b' }),
      inputs,
      expect.objectContaining({
        NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, SubnetId: 'subnet-1', Groups: ['sg-1'], DeleteOnTermination: true }],
        IamInstanceProfile: { Arn: 'arn:aws:iam::1:instance-profile/b' },
      }),
    ],
  ])('%s', (_case, config, launch, expected) => {
    expect(wire(runInstancesRequest(testRequest, config, launch))).toEqual(expected);
  });

  it('sends no SubnetId or SecurityGroupIds next to a network interface', () => {
    const request = runInstancesRequest(testRequest, testConfig({ associate_public_ip_address: false }), inputs);
    expect(request.SecurityGroupIds).toBeUndefined();
    expect(request.SubnetId).toBeUndefined();
  });
});

describe('blockDeviceMapping', () => {
  it.each([
    ['an EBS volume, deleted on termination by default', { device_name: '/dev/xvda', volume_size: 20, volume_type: 'gp3' }, { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: true } }],
    ['encrypted with a key', { device_name: '/dev/xvdb', encrypted: true, kms_key_id: 'k', delete_on_termination: false }, { DeviceName: '/dev/xvdb', Ebs: { Encrypted: true, KmsKeyId: 'k', DeleteOnTermination: false } }],
    ['no device', { device_name: '/dev/sdf', no_device: true }, { DeviceName: '/dev/sdf', NoDevice: '' }],
    ['an instance store', { device_name: '/dev/sdb', virtual_name: 'ephemeral0' }, { DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' }],
  ])('%s', (_case, device, mapping) => {
    expect(wire(blockDeviceMapping(device))).toEqual(mapping);
  });
});

describe('sshAddress', () => {
  const instance = { InstanceId: 'i-1', PublicIpAddress: '203.0.113.7', PrivateIpAddress: '10.0.0.7', PrivateDnsName: 'ip-10-0-0-7.internal' };
  it.each([
    ['the public address by default', instance, undefined, '203.0.113.7'],
    ['the private one when there is no public one', { ...instance, PublicIpAddress: undefined }, undefined, '10.0.0.7'],
    ['ssh_interface: private_dns', instance, 'private_dns' as const, 'ip-10-0-0-7.internal'],
  ])('%s', (_case, described, sshInterface, address) => {
    expect(sshAddress(described, sshInterface)).toBe(address);
  });

  it('names the missing interface', () => {
    expect(() => sshAddress(instance, 'public_dns')).toThrow('instance i-1 has no public_dns address to SSH to');
  });
});
