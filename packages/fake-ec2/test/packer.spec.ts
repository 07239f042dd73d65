import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

    const artifact = /,artifact,0,id,us-east-1:(ami-[0-9a-f]+)/.exec(build.stdout)?.[1];
    const region = fake.state()['us-east-1'] as unknown as { images: { ImageId: string }[]; instances: { State: { Name: string } }[]; keyPairs: unknown[]; securityGroups: unknown[] };
    expect(region.images.find((i) => i.ImageId === artifact)).toMatchObject({ State: 'available', OwnerId: ACCOUNT_ID, Name: expect.stringMatching(/^packer-fake-/) });
    expect(region.instances.map((i) => i.State.Name)).toEqual(['terminated']);
    expect(region.keyPairs).toEqual([]);
    expect(region.securityGroups).toEqual([]);
    expect(fake.violations()).toEqual([]);
    const calls = fake.calls().map((c) => c.action).filter((action, i, all) => action !== all[i - 1]);
    expect(calls).toEqual(PACKER_CALLS);
    expect((await labelled(fake.instanceId)).containers).toEqual([]);
  });
});
