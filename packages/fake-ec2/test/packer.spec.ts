import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID } from '../src';
import { labelled } from './support/docker';
import { useFake } from './support/fixture';

jest.setTimeout(300_000);

const PACKER = '/usr/bin/packer';

/** The calls Packer 1.6.6's amazon-ebs builder makes for a build like ours, in order (repeats folded: polls, and the two DescribeImages at the start). */
const PACKER_CALLS = [
  'DescribeRegions', // region validation
  'DescribeImages', // prevalidate: is the AMI name taken? then source_ami_filter
  'CreateKeyPair',
  'CreateSecurityGroup',
  'DescribeSecurityGroups', // waits until the group exists
  'AuthorizeSecurityGroupIngress',
  'RunInstances',
  'DescribeInstances', // waits until running, then reads its address
  'StopInstances',
  'DescribeInstances', // waits until stopped
  'CreateImage',
  'DescribeImages', // waits until available, then reads it
  'CopyImage', // ami_regions
  'DescribeImages', // waits until the copy is available
  'ModifyImageAttribute', // ami_description, on the copy too
  'DescribeImages', // tags: reads each region's AMI for its snapshots
  'CreateTags',
  'DescribeImages',
  'CreateTags',
  'TerminateInstances',
  'DescribeInstances', // waits until terminated
  'DescribeVolumes', // cleans up volumes left behind
  'DeleteSecurityGroup',
  'DeleteKeyPair',
];

/** Packer's own amazon-ebs builder, a client nobody here wrote, against the fake. */
describe('Packer 1.6.6 amazon-ebs against the fake', () => {
  const env = useFake({ statusDelayMs: 200, imageDelayMs: 200 });

  it('builds an AMI with a shell provisioner and leaves no instance, key pair or group', async () => {
    if (!existsSync(PACKER)) throw new Error(`${PACKER} is missing: scripts/prepare-machine.sh installs Debian's packer`);
    const fake = env.fake();
    const dir = env.dir();
    const [credentials] = fake.credentials;
    const template = {
      builders: [
        {
          type: 'amazon-ebs',
          custom_endpoint_ec2: fake.url,
          access_key: credentials.accessKeyId,
          secret_key: credentials.secretAccessKey,
          region: 'us-east-1',
          // No instance metadata service to ask for credentials here.
          skip_metadata_api_check: true,
          source_ami_filter: {
            filters: { name: 'debian-12-amd64-*', 'virtualization-type': 'hvm', 'root-device-type': 'ebs' },
            owners: ['136693071363'],
            most_recent: true,
          },
          instance_type: 't3.micro',
          ssh_username: 'root',
          ami_name: 'packer-fake-{{timestamp}}',
          ami_description: 'baked by packer',
          ami_regions: ['eu-west-1'],
          tags: { stage: 'base', base: '{{ .SourceAMIName }}' },
          snapshot_tags: { stage: 'base' },
          run_tags: { run: 'r1' },
          associate_public_ip_address: true,
          launch_block_device_mappings: [{ device_name: '/dev/xvda', volume_size: 10, delete_on_termination: true }],
        },
      ],
      provisioners: [{ type: 'shell', inline: ['echo packed > /etc/packed'] }],
    };
    writeFileSync(join(dir, 'template.json'), JSON.stringify(template));
    const build = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const env = { PATH: process.env.PATH, HOME: dir, AWS_POLL_DELAY_SECONDS: '1', PACKER_CACHE_DIR: join(dir, 'cache'), CHECKPOINT_DISABLE: '1' };
      execFile(PACKER, ['build', '-machine-readable', 'template.json'], { cwd: dir, env, timeout: 240_000 }, (error, stdout) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 255) : 0, stdout }),
      );
    });
    expect({ code: build.code, errors: build.stdout.split('\n').filter((l) => l.includes(',ui,error,')) }).toEqual({ code: 0, errors: [] });

    // One AMI per region, in Packer's artifact id form `region:ami-…` (machine-readable output escapes the comma).
    const artifacts = /,artifact,0,id,(.*)/.exec(build.stdout)?.[1].split('%!(PACKER_COMMA)') ?? [];
    expect(artifacts.map((a) => a.split(':')[0]).sort()).toEqual(['eu-west-1', 'us-east-1']);
    for (const artifact of artifacts) {
      const [name, imageId] = artifact.split(':');
      const images = fake.state()[name].images as unknown as { ImageId: string }[];
      expect(images.find((i) => i.ImageId === imageId)).toMatchObject({
        State: 'available',
        OwnerId: ACCOUNT_ID,
        Name: expect.stringMatching(/^packer-fake-/),
        Description: 'baked by packer',
        // Packer's tags come from Go maps: in no set order.
        Tags: expect.arrayContaining([{ Key: 'stage', Value: 'base' }, { Key: 'base', Value: 'debian-12-amd64-20240717-1811' }]),
      });
    }
    const region = fake.state()['us-east-1'] as unknown as { instances: { State: { Name: string }; Tags: unknown[] }[]; keyPairs: unknown[]; securityGroups: unknown[] };
    expect(region.instances).toMatchObject([{ State: { Name: 'terminated' }, Tags: expect.arrayContaining([{ Key: 'run', Value: 'r1' }, { Key: 'Name', Value: 'Packer Builder' }]) }]);
    expect(region.keyPairs).toEqual([]);
    expect(region.securityGroups).toEqual([]);
    expect(fake.violations()).toEqual([]);
    const calls = fake.calls().map((c) => c.action).filter((action, i, all) => action !== all[i - 1]);
    expect(calls).toEqual(PACKER_CALLS);
    expect((await labelled(fake.instanceId)).containers).toEqual([]);
  });
});
