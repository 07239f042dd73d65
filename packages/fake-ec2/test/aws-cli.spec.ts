import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ssh } from '../../fake-digitalocean/test/support/ssh';
import { DEBIAN_12_AMI_NAME, DEBIAN_OWNER_ID, FakeEc2 } from '../src';
import { awsEc2, awsOk } from './support/aws-cli';
import { labelled } from './support/docker';
import { useFake } from './support/fixture';
import { eventually } from './support/wait';

jest.setTimeout(240_000);

/** Debian's own `aws` CLI, unchanged, through a whole bake: every call nx-bake's builder makes. */
describe('the official aws CLI against the fake', () => {
  const env = useFake({ statusDelayMs: 200, imageDelayMs: 200 });
  let fake: FakeEc2;
  let keyDir: string;
  beforeAll(() => {
    fake = env.fake();
    keyDir = env.dir();
  });

  const stateOf = async (instanceId: string): Promise<string> =>
    (await awsOk(fake, ['describe-instances', '--instance-ids', instanceId])).Reservations[0].Instances[0].State.Name;
  const waitState = (instanceId: string, state: string): Promise<true> =>
    eventually(async () => ((await stateOf(instanceId)) === state ? true : undefined), 120_000, `${instanceId} ${state}`);

  it('finds Debian, runs an instance it can ssh into, bakes an AMI, copies it and cleans up', async () => {
    expect((await awsOk(fake, ['describe-regions'])).Regions.map((r: { RegionName: string }) => r.RegionName)).toContain('eu-west-1');
    expect((await awsOk(fake, ['describe-availability-zones'])).AvailabilityZones[0].ZoneName).toBe('us-east-1a');
    const vpc = (await awsOk(fake, ['describe-vpcs', '--filters', 'Name=is-default,Values=true'])).Vpcs[0];
    const subnet = (await awsOk(fake, ['describe-subnets', '--filters', `Name=vpc-id,Values=${vpc.VpcId}`])).Subnets[0];

    const images = await awsOk(fake, [
      'describe-images', '--owners', DEBIAN_OWNER_ID,
      '--filters', 'Name=name,Values=debian-12-amd64-*', 'Name=architecture,Values=x86_64', 'Name=virtualization-type,Values=hvm',
      'Name=root-device-type,Values=ebs', 'Name=state,Values=available',
    ]);
    expect(images.Images).toHaveLength(1);
    const debian = images.Images[0];
    expect(debian.Name).toBe(DEBIAN_12_AMI_NAME);

    const key = await awsOk(fake, ['create-key-pair', '--key-name', 'cli-test']);
    const keyPath = join(keyDir, 'id_rsa');
    writeFileSync(keyPath, `${key.KeyMaterial}\n`);
    chmodSync(keyPath, 0o600);
    expect((await awsOk(fake, ['describe-key-pairs', '--key-names', 'cli-test'])).KeyPairs[0].KeyFingerprint).toBe(key.KeyFingerprint);
    const group = await awsOk(fake, ['create-security-group', '--group-name', 'cli-test', '--description', 'ssh from the build host', '--vpc-id', vpc.VpcId]);
    await awsOk(fake, ['authorize-security-group-ingress', '--group-id', group.GroupId, '--protocol', 'tcp', '--port', '22', '--cidr', '127.0.0.1/32']);
    const described = (await awsOk(fake, ['describe-security-groups', '--group-ids', group.GroupId])).SecurityGroups[0];
    expect(described.IpPermissions[0]).toMatchObject({ FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '127.0.0.1/32' }] });

    const run = await awsOk(fake, [
      'run-instances', '--image-id', debian.ImageId, '--instance-type', 't3.micro', '--key-name', 'cli-test',
      '--security-group-ids', group.GroupId, '--subnet-id', subnet.SubnetId,
      '--user-data', '#!/bin/sh\necho from-user-data > /root/user-data-ran\n',
      '--tag-specifications', 'ResourceType=instance,Tags=[{Key=Name,Value=cli-test}]',
      '--block-device-mappings', 'DeviceName=/dev/xvda,Ebs={VolumeSize=8,DeleteOnTermination=true}',
      '--iam-instance-profile', 'Name=baker',
    ]);
    const instanceId: string = run.Instances[0].InstanceId;
    expect(run.Instances[0].State.Name).toBe('pending');
    await waitState(instanceId, 'running');
    const instance = (await awsOk(fake, ['describe-instances', '--filters', 'Name=tag:Name,Values=cli-*'])).Reservations[0].Instances[0];
    expect(instance.PublicIpAddress).toMatch(/^127\.77\.\d+\.\d+$/);
    expect(instance.PrivateIpAddress).toBe(instance.PublicIpAddress);
    await eventually(async () => {
      const statuses = (await awsOk(fake, ['describe-instance-status', '--instance-ids', instanceId])).InstanceStatuses;
      return statuses[0]?.InstanceStatus.Status === 'ok' ? true : undefined;
    });

    const sshKey = { dir: keyDir, privateKeyPath: keyPath, publicKey: '', remove: () => undefined };
    const logged = await ssh(instance.PublicIpAddress, sshKey, 'cat /root/user-data-ran && echo baked > /etc/baked');
    expect(logged).toMatchObject({ code: 0, stdout: 'from-user-data\n' });

    await awsOk(fake, ['stop-instances', '--instance-ids', instanceId]);
    await waitState(instanceId, 'stopped');
    const created = await awsOk(fake, ['create-image', '--instance-id', instanceId, '--name', 'cli-test-ami', '--description', 'baked by the CLI test']);
    const amiId: string = created.ImageId;
    const ami = await eventually(async () => {
      const [image] = (await awsOk(fake, ['describe-images', '--image-ids', amiId])).Images;
      return image.State === 'available' ? image : undefined;
    });
    const snapshotId: string = ami.BlockDeviceMappings[0].Ebs.SnapshotId;
    expect((await awsOk(fake, ['describe-snapshots', '--owner-ids', 'self'])).Snapshots.map((s: { SnapshotId: string }) => s.SnapshotId)).toEqual([snapshotId]);

    await awsOk(fake, ['create-tags', '--resources', amiId, snapshotId, '--tags', 'Key=stage,Value=base', 'Key=run,Value=1']);
    await awsOk(fake, ['delete-tags', '--resources', snapshotId, '--tags', 'Key=run']);
    const tags = (await awsOk(fake, ['describe-tags', '--filters', 'Name=key,Values=stage,run'])).Tags;
    expect(tags.map((t: { ResourceId: string; Key: string }) => `${t.ResourceId}:${t.Key}`).sort()).toEqual([`${amiId}:run`, `${amiId}:stage`, `${snapshotId}:stage`].sort());
    await awsOk(fake, ['modify-image-attribute', '--image-id', amiId, '--launch-permission', 'Add=[{UserId=210987654321}]']);
    expect((await awsOk(fake, ['describe-image-attribute', '--image-id', amiId, '--attribute', 'launchPermission'])).LaunchPermissions).toEqual([{ UserId: '210987654321' }]);

    const copy = await awsOk(fake, ['copy-image', '--source-region', 'us-east-1', '--source-image-id', amiId, '--name', 'cli-test-ami'], { region: 'eu-west-1' });
    await eventually(async () => {
      const [image] = (await awsOk(fake, ['describe-images', '--image-ids', copy.ImageId], { region: 'eu-west-1' })).Images;
      return image.State === 'available' ? image : undefined;
    });
    expect((await awsEc2(fake, ['describe-images', '--image-ids', copy.ImageId])).stderr).toMatch(/InvalidAMIID.NotFound/);

    // The new AMI boots with what was baked into it.
    await awsOk(fake, ['start-instances', '--instance-ids', instanceId]);
    await waitState(instanceId, 'running');
    expect((await ssh(instance.PublicIpAddress, sshKey, 'cat /etc/baked')).stdout).toBe('baked\n');

    await awsOk(fake, ['terminate-instances', '--instance-ids', instanceId]);
    await waitState(instanceId, 'terminated');
    expect((await awsEc2(fake, ['delete-snapshot', '--snapshot-id', snapshotId])).stderr).toMatch(/InvalidSnapshot.InUse/);
    await awsOk(fake, ['deregister-image', '--image-id', amiId]);
    await awsOk(fake, ['delete-snapshot', '--snapshot-id', snapshotId]);
    const eu = (await awsOk(fake, ['describe-images', '--owners', 'self'], { region: 'eu-west-1' })).Images[0];
    await awsOk(fake, ['deregister-image', '--image-id', eu.ImageId], { region: 'eu-west-1' });
    await awsOk(fake, ['delete-snapshot', '--snapshot-id', eu.BlockDeviceMappings[0].Ebs.SnapshotId], { region: 'eu-west-1' });
    await awsOk(fake, ['delete-key-pair', '--key-name', 'cli-test']);
    await awsOk(fake, ['delete-security-group', '--group-id', group.GroupId]);

    expect((await awsOk(fake, ['describe-key-pairs'])).KeyPairs).toEqual([]);
    expect((await awsOk(fake, ['describe-images', '--owners', 'self'])).Images).toEqual([]);
    expect(fake.violations()).toEqual([]);
    await eventually(async () => ((await labelled(fake.instanceId)).images.length === 0 ? true : undefined), 20_000, 'committed images removed');
    expect(await labelled(fake.instanceId)).toEqual({ containers: [], images: [] });
  });
});
