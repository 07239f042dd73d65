import { ignoreNotFound } from './ec2-client';
import { importKeyPairRequest } from './create-key-pair';
import { fingerprintQuery } from './artifacts';
import { createSecurityGroupRequest, sshIngressRequest } from './security-group';
import { amisOf, artifactId, buildResourceTags, tagMap, toTags } from './tags';
import { testRequest } from '../../../test/support/amazon-ebs-config';

describe('artifact IDs', () => {
  it.each([
    ['one region', [{ region: 'eu-west-1', imageId: 'ami-1' }], 'eu-west-1:ami-1'],
    ['copies, build region first', [{ region: 'eu-west-1', imageId: 'ami-1' }, { region: 'us-east-1', imageId: 'ami-2' }], 'eu-west-1:ami-1,us-east-1:ami-2'],
  ])('Packer\'s form for %s, read back', (_case, amis, id) => {
    expect(artifactId(amis)).toBe(id);
    expect(amisOf(id, 'elsewhere')).toEqual(amis);
  });

  it.each([
    ['a bare AMI ID is in the build region', 'ami-0abc', [{ region: 'eu-west-1', imageId: 'ami-0abc' }]],
    ['an image name is no AMI', 'nx-bake/debian:bookworm', []],
    ["DigitalOcean's snapshot ID is no AMI", 'nyc3:987654', []],
  ])('%s', (_case, id, amis) => {
    expect(amisOf(id, 'eu-west-1')).toEqual(amis);
  });
});

describe('tags', () => {
  it('a build resource carries pipeline, stage and run; ours win over the user\'s', () => {
    expect(buildResourceTags(testRequest, { 'nx-bake.run': 'spoof', team: 'web' })).toEqual({
      team: 'web',
      Name: 'nx-bake-images-app-base-01234567',
      'nx-bake.pipeline': 'images',
      'nx-bake.stage': 'app-base',
      'nx-bake.run': '0123456789abcdef',
    });
  });

  it('round-trips between maps and EC2 tag lists', () => {
    expect(tagMap(toTags({ a: '1', b: '' }))).toEqual({ a: '1', b: '' });
  });
});

describe('temporary resources', () => {
  it('a key pair named after the stage and run, tagged with it', () => {
    const request = importKeyPairRequest(testRequest, 'ssh-ed25519 AAAA test');
    expect(request.KeyName).toBe('nx-bake-images-app-base-01234567');
    expect(new TextDecoder().decode(request.PublicKeyMaterial)).toBe('ssh-ed25519 AAAA test');
    expect(request.TagSpecifications?.[0].ResourceType).toBe('key-pair');
  });

  it('a security group in vpc_id, open on the SSH port to the given addresses only', () => {
    expect(createSecurityGroupRequest(testRequest, { vpcId: 'vpc-1' })).toMatchObject({ GroupName: 'nx-bake-images-app-base-01234567', VpcId: 'vpc-1' });
    expect(sshIngressRequest('sg-1', 22, ['192.0.2.10/32'])).toEqual({
      GroupId: 'sg-1',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '192.0.2.10/32', Description: 'nx-bake build host' }] }],
    });
  });
});

describe('adoption', () => {
  it('looks for the account\'s available AMIs by fingerprint, stage, builder and pipeline tags', () => {
    expect(fingerprintQuery({ pipeline: 'images', stage: 'app-base', builderName: 'jammy', fingerprint: 'f00d' })).toEqual({
      Owners: ['self'],
      Filters: [
        { Name: 'tag:nx-bake.fingerprint', Values: ['f00d'] },
        { Name: 'tag:nx-bake.stage', Values: ['app-base'] },
        { Name: 'tag:nx-bake.builder', Values: ['jammy'] },
        { Name: 'tag:nx-bake.pipeline', Values: ['images'] },
        { Name: 'state', Values: ['available'] },
      ],
    });
  });
});

describe('ignoreNotFound', () => {
  it.each(['InvalidInstanceID.NotFound', 'InvalidKeyPair.NotFound', 'InvalidGroup.NotFound', 'InvalidAMIID.NotFound', 'InvalidSnapshot.NotFound'])('ignores %s', (name) => {
    expect(ignoreNotFound(Object.assign(new Error('gone'), { name }))).toBeUndefined();
  });

  it('throws anything else', () => {
    expect(() => ignoreNotFound(Object.assign(new Error('no'), { name: 'UnauthorizedOperation' }))).toThrow('no');
  });
});
