import type { FakeEc2 } from '../../../fake-ec2/src';
import { docker } from './docker';

const DEBIAN = '136693071363';

/**
 * How a bake reaches the fake EC2, and only it: its keys and endpoint from the environment (the SDK's own
 * chain), no shared config or credentials file of the machine, and never the instance metadata service.
 */
export function ec2Env(fake: FakeEc2, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const [{ accessKeyId, secretAccessKey }] = fake.credentials;
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_ENDPOINT_URL_EC2: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PROFILE: '',
    AWS_REGION: '',
    ...extra,
  };
}

/** An EC2 object as the fake's state describes it, in EC2's member names (`ImageId`, `Tags`, …). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Described = Record<string, any>;
type Kind = 'images' | 'snapshots' | 'instances' | 'keyPairs' | 'securityGroups';

/** A region's objects of each kind, as EC2 would describe them. */
export function regionState(fake: FakeEc2, region: string): Record<Kind, Described[]> {
  const state = (fake.state()[region] ?? {}) as Partial<Record<Kind, Described[]>>;
  return { images: state.images ?? [], snapshots: state.snapshots ?? [], instances: state.instances ?? [], keyPairs: state.keyPairs ?? [], securityGroups: state.securityGroups ?? [] };
}

/** The AMIs a region holds that this account made (not Debian's). */
export function ownAmis(fake: FakeEc2, region: string): Described[] {
  return regionState(fake, region).images.filter((image) => image.OwnerId !== DEBIAN);
}

export function tagsOf(described: Described): Record<string, string> {
  return Object.fromEntries(((described.Tags ?? []) as { Key: string; Value: string }[]).map((tag) => [tag.Key, tag.Value]));
}

/** What a bake must not leave at the fake EC2: live instances, key pairs, groups other than `default`, instance containers; AMIs beyond `allowAmis`. */
export async function ec2Leaks(fake: FakeEc2, options: { allowAmis?: number } = {}): Promise<string[]> {
  const leaks: string[] = [];
  let amis = 0;
  for (const region of Object.keys(fake.state())) {
    const state = regionState(fake, region);
    for (const instance of state.instances) {
      if (instance.State?.Name !== 'terminated') leaks.push(`instance ${instance.InstanceId} (${region}, ${instance.State?.Name})`);
    }
    for (const key of state.keyPairs) leaks.push(`key pair ${key.KeyName} (${region})`);
    for (const group of state.securityGroups) if (group.GroupName !== 'default') leaks.push(`security group ${group.GroupId} (${region}, ${group.GroupName})`);
    for (const image of ownAmis(fake, region)) if (++amis > (options.allowAmis ?? 0)) leaks.push(`AMI ${image.ImageId} (${region}, ${image.Name})`);
    const amiSnapshots = new Set(state.images.flatMap((image) => ((image.BlockDeviceMappings ?? []) as Described[]).map((mapping) => mapping.Ebs?.SnapshotId)));
    for (const snapshot of state.snapshots) if (!amiSnapshots.has(snapshot.SnapshotId)) leaks.push(`snapshot ${snapshot.SnapshotId} (${region})`);
  }
  for (const container of await docker.listContainers({ all: true, filters: { label: [`fake-ec2.fake=${fake.instanceId}`], status: ['running', 'created', 'restarting', 'paused'] } })) {
    leaks.push(`instance container ${container.Id.slice(0, 12)} (${container.State})`);
  }
  return leaks;
}
