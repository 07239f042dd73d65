import { parseAmazonEbsBuilderConfig } from './config';
import { testConfig } from '../../../test/support/amazon-ebs-config';

describe('parseAmazonEbsBuilderConfig', () => {
  it('fills in defaults: no given groups, Debian\'s admin user, Packer-like timeouts', () => {
    expect(testConfig()).toMatchObject({
      region: 'eu-west-1',
      instanceType: 't3.micro',
      securityGroupIds: [],
      amiRegions: [],
      tags: {},
      runTags: {},
      snapshotTags: {},
      encryptBoot: false,
      launchBlockDeviceMappings: [],
      associatePublicIpAddress: undefined,
      stateTimeoutMs: 600_000,
      ssh: { ssh_username: 'admin' },
    });
  });

  it('takes source_ami_filter as Packer writes it', () => {
    const config = testConfig({ source_ami_filter: { filters: { name: 'debian-12-amd64-*', 'virtualization-type': 'hvm' }, owners: ['136693071363'], most_recent: true } });
    expect(config.sourceAmiFilter).toEqual({ filters: { name: 'debian-12-amd64-*', 'virtualization-type': 'hvm' }, owners: ['136693071363'], mostRecent: true });
  });

  it('leaves the build region out of ami_regions, and ssh_* fields for the communicator', () => {
    expect(testConfig({ ami_regions: ['eu-west-1', 'us-east-1'], ssh_username: 'debian', ssh_timeout: '2m' })).toMatchObject({ amiRegions: ['us-east-1'], ssh: { ssh_username: 'debian', ssh_timeout: '2m' } });
  });

  it.each([
    ['no region', { region: undefined }, '"region" is required'],
    ['no instance_type', { instance_type: undefined }, '"instance_type" is required'],
    ['both sources', { source_ami: 'ami-1', source_ami_filter: { owners: ['self'] } }, '"source_ami_filter" cannot be given with "source_ami"'],
    ['a filter without owners', { source_ami_filter: { filters: { name: 'x' } } }, '"source_ami_filter.owners" is required'],
    ['a filter typo', { source_ami_filter: { owners: ['self'], most_recnt: true } }, '"source_ami_filter.most_recnt" is not a filter field'],
    ['an unknown ssh_interface', { ssh_interface: 'ipv6' }, '"ssh_interface" must be one of public_ip, private_ip, public_dns, private_dns'],
    ['a block device without a name', { launch_block_device_mappings: [{ volume_size: 20 }] }, '"launch_block_device_mappings[0].device_name" is required'],
    ['a block device typo', { launch_block_device_mappings: [{ device_name: '/dev/xvda', volume_sise: 20 }] }, '"launch_block_device_mappings[0].volume_sise" is not a block device field'],
    ['both user data fields', { user_data: 'x', user_data_file: 'y' }, '"user_data_file" cannot be given with "user_data"'],
    ['an unknown field', { ami_nmae: 'x' }, '"ami_nmae" is not a amazon-ebs builder field'],
  ])('refuses %s', (_case, fields, message) => {
    expect(() => parseAmazonEbsBuilderConfig({ type: 'amazon-ebs', region: 'eu-west-1', instance_type: 't3.micro', ...fields } as never, 'aws')).toThrow(message);
  });
});
