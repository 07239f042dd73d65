import { DeleteKeyPairCommand, DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, type Image } from '@aws-sdk/client-ec2';
import type { BuildResource, StoredArtifact } from '../builder';
import { ownImages } from './artifacts';
import type { AmazonEbsBuilderConfig } from './config';
import { ignoreNotFound, type Ec2Clients } from './ec2-client';
import { deleteImage } from './images';
import { terminateInstance } from './run-instance';
import { deleteSecurityGroup } from './security-group';
import { amisOf, artifactId, LABEL, tagMap } from './tags';

const OURS = { Name: 'tag-key', Values: [LABEL.run] };
const LIVE_INSTANCES = { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] };

/**
 * The account's AMIs nx-bake made, in the build region and `ami_regions`: one build's copies are one
 * artifact, with the ID its manifest records (`region:ami-…`, build region first).
 */
export async function listAmis(ec2: Ec2Clients, config: AmazonEbsBuilderConfig): Promise<StoredArtifact[]> {
  const builds = new Map<string, { tags: Record<string, string>; amis: { region: string; imageId: string }[]; image: Image }>();
  for (const region of [config.region, ...config.amiRegions]) {
    for (const image of await ownImages(ec2.in(region), { Owners: ['self'], Filters: [{ Name: 'tag-key', Values: [LABEL.fingerprint] }] })) {
      const tags = tagMap(image.Tags);
      const key = [LABEL.pipeline, LABEL.stage, LABEL.fingerprint, LABEL.run].map((label) => tags[label]).join('\0');
      const build = builds.get(key) ?? { tags, amis: [], image };
      build.amis.push({ region, imageId: image.ImageId! });
      builds.set(key, build);
    }
  }
  return [...builds.values()].map(({ tags, amis, image }) => ({
    id: artifactId(amis),
    pipeline: tags[LABEL.pipeline] ?? '',
    stage: tags[LABEL.stage] ?? '',
    fingerprint: tags[LABEL.fingerprint] ?? '',
    base: tags[LABEL.base],
    runId: tags[LABEL.run],
    createdAt: new Date(image.CreationDate ?? 0),
    name: image.Name,
  }));
}

/** Deregisters every AMI the artifact names and deletes their snapshots. */
export async function deleteAmis(ec2: Ec2Clients, config: AmazonEbsBuilderConfig, artifact: string): Promise<void> {
  const amis = amisOf(artifact, config.region);
  if (amis.length === 0) throw new Error(`${artifact} is not an AMI artifact ID (region:ami-…)`);
  for (const { region, imageId } of amis) await deleteImage(ec2.in(region), imageId);
}

/** Build instances, key pairs and temporary groups: each carries its run's tag, so a sweep finds a killed run's. */
export async function listBuildResources(ec2: Ec2Clients): Promise<BuildResource[]> {
  const [instances, keys, groups] = await Promise.all([
    ec2.home.send(new DescribeInstancesCommand({ Filters: [OURS, LIVE_INSTANCES] })),
    ec2.home.send(new DescribeKeyPairsCommand({ Filters: [OURS] })),
    ec2.home.send(new DescribeSecurityGroupsCommand({ Filters: [OURS] })),
  ]);
  const resource = (kind: BuildResource['kind'], id: string | undefined, tags: Record<string, string>, created?: Date): BuildResource => ({
    kind,
    id: id ?? '',
    runId: tags[LABEL.run],
    pipeline: tags[LABEL.pipeline],
    createdAt: created,
  });
  return [
    ...(instances.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).map((instance) => resource('instance', instance.InstanceId, tagMap(instance.Tags), instance.LaunchTime)),
    ...(keys.KeyPairs ?? []).map((key) => resource('key-pair', key.KeyName, tagMap(key.Tags), key.CreateTime)),
    ...(groups.SecurityGroups ?? []).map((group) => resource('security-group', group.GroupId, tagMap(group.Tags))),
  ];
}

export async function deleteBuildResource(ec2: Ec2Clients, config: AmazonEbsBuilderConfig, resource: BuildResource): Promise<void> {
  if (resource.kind === 'instance') await terminateInstance(ec2.home, resource.id, { timeoutMs: config.stateTimeoutMs, intervalMs: config.pollIntervalMs });
  if (resource.kind === 'key-pair') await ec2.home.send(new DeleteKeyPairCommand({ KeyName: resource.id })).catch(ignoreNotFound);
  if (resource.kind === 'security-group') {
    // A sweep may reach the group before its instance (journals list it first): the group outlives no instance.
    const { Reservations = [] } = await ec2.home.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance.group-id', Values: [resource.id] }, LIVE_INSTANCES] }));
    const wait = { timeoutMs: config.stateTimeoutMs, intervalMs: config.pollIntervalMs };
    for (const instance of Reservations.flatMap((reservation) => reservation.Instances ?? [])) await terminateInstance(ec2.home, instance.InstanceId!, wait);
    await deleteSecurityGroup(ec2, resource.id);
  }
}
