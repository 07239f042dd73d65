import { DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { pollUntil } from '../../util/poll';
import { ignoreNotFound } from './ec2-client';

/** Waits until an AMI is available; a failed one is an error with EC2's reason. */
export function waitForImage(client: EC2Client, imageId: string, what: string, wait: { timeoutMs: number; intervalMs: number; signal?: AbortSignal }): Promise<Image> {
  return pollUntil(
    `${what} ${imageId} to become available`,
    async () => {
      const image = await describeImage(client, imageId).catch(ignoreNotFound);
      if (image?.State === 'failed' || image?.State === 'error' || image?.State === 'invalid') {
        throw new Error(`${what} ${imageId} ${image.State}${image.StateReason?.Message ? `: ${image.StateReason.Message}` : ''}`);
      }
      return image?.State === 'available' ? image : undefined;
    },
    wait,
  );
}

export async function describeImage(client: EC2Client, imageId: string): Promise<Image | undefined> {
  const { Images = [] } = await client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return Images[0];
}

/** Deregisters an AMI and deletes its EBS snapshots (deregistering alone keeps paying for them). */
export async function deleteImage(client: EC2Client, imageId: string): Promise<void> {
  const image = await describeImage(client, imageId).catch(ignoreNotFound);
  if (!image) return;
  await client.send(new DeregisterImageCommand({ ImageId: imageId })).catch(ignoreNotFound);
  for (const snapshotId of snapshotIdsOf(image)) await client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })).catch(ignoreNotFound);
}

export function snapshotIdsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).map((mapping) => mapping.Ebs?.SnapshotId).filter((id): id is string => Boolean(id));
}

/** The most recently created of `images` (EC2's CreationDate is ISO 8601, so it sorts as text). */
export function newest(images: Image[]): Image | undefined {
  return [...images].sort((a, b) => (a.CreationDate ?? '').localeCompare(b.CreationDate ?? '')).pop();
}
