import { ACCOUNT_ID } from './catalog';
import { Cloud } from './cloud';
import { Ec2Error } from './ec2-error';
import { newId } from './ids';
import { enqueue } from './instance-lifecycle';
import { mustFind } from './lookup';
import { ImageRecord, Region } from './records';
import { tagsFor } from './tags';

const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;

function newImage(cloud: Cloud, region: Region, name: string, description: string | undefined, volumeSize: number): ImageRecord {
  if (!AMI_NAME.test(name)) throw new Ec2Error('InvalidAMIName.Malformed', `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_': ${name}`);
  if ([...region.images.values()].some((i) => i.ownerId === ACCOUNT_ID && i.name === name)) {
    throw new Ec2Error('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by an AMI`);
  }
  const image: ImageRecord = {
    imageId: newId('ami'),
    name,
    description,
    ownerId: ACCOUNT_ID,
    state: 'pending',
    creationDate: new Date().toISOString(),
    committed: true,
    volumeSize,
    architecture: 'x86_64',
    enaSupport: true,
    public: false,
    launchUsers: new Set(),
    tags: new Map(),
  };
  region.images.set(image.imageId, image);
  return image;
}

/**
 * Completes a pending image after at least imageDelayMs: with its EBS snapshot, `available`; or, for
 * the "failed AMI" fault or a failed commit, `failed` with nothing left behind.
 */
async function settle(cloud: Cloud, region: Region, image: ImageRecord, made: Promise<string>): Promise<void> {
  const [localImage] = await Promise.all([made.catch((error: Error) => error), cloud.lifetime.sleep(cloud.settings.imageDelayMs)]);
  if (!region.images.has(image.imageId)) return; // deregistered meanwhile
  if (localImage instanceof Error || cloud.faults.takeFailedImage()) {
    image.state = 'failed';
    image.stateReason = localImage instanceof Error ? `commit failed: ${localImage.message}` : 'Client.ImageFailed: the fake was told to fail this image';
    if (typeof localImage === 'string') await releaseLocalImage(cloud, localImage);
    return;
  }
  image.localImage = localImage;
  const snapshotId = newId('snap');
  region.snapshots.set(snapshotId, {
    snapshotId,
    volumeId: newId('vol'),
    state: 'completed',
    startTime: new Date().toISOString(),
    volumeSize: image.volumeSize,
    ownerId: ACCOUNT_ID,
    description: `Created by CreateImage for ${image.imageId}`,
    encrypted: false,
    tags: image.pendingSnapshotTags ?? new Map(),
  });
  image.snapshotId = snapshotId;
  image.state = 'available';
}

/** CreateImage: `docker commit` of the instance's container (stopped, or paused while it runs). */
export function createImage(cloud: Cloud, region: Region, input: { InstanceId: string; Name: string; Description?: string; TagSpecifications?: [] }): string {
  const instance = mustFind(region.instances, input.InstanceId, 'InvalidInstanceID.NotFound', 'instance ID');
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.instanceId}' is not in a state from which it can be imaged`);
  }
  const image = newImage(cloud, region, input.Name, input.Description, instance.volumeSize);
  image.tags = tagsFor('image', input.TagSpecifications);
  image.pendingSnapshotTags = tagsFor('snapshot', input.TagSpecifications);
  const seq = cloud.nextSeq();
  const made = enqueue(instance, async () => {
    if (!instance.containerId) throw new Error(`instance ${instance.instanceId} has no container`);
    return (await cloud.runtime.commit(instance.containerId, seq, input.Name)).ref;
  });
  void cloud.lifetime.run(() => settle(cloud, region, image, made));
  return image.imageId;
}

/** CopyImage, called in the destination region: a new AMI there on the same local image, with its own snapshot. */
export function copyImage(cloud: Cloud, region: Region, input: { SourceImageId: string; SourceRegion: string; Name: string; Description?: string }): string {
  const source = mustFind(cloud.region(input.SourceRegion).images, input.SourceImageId, 'InvalidAMIID.NotFound', 'image id');
  if (source.state !== 'available' || !source.localImage) throw new Ec2Error('IncorrectState', `The image ${source.imageId} is not available`);
  const image = newImage(cloud, region, input.Name, input.Description ?? source.description, source.volumeSize);
  image.committed = source.committed;
  void cloud.lifetime.run(() => settle(cloud, region, image, Promise.resolve(source.localImage!)));
  return image.imageId;
}

/** DeregisterImage: the AMI goes (its snapshot stays, as on EC2); the committed Docker image goes with the last AMI on it. */
export function deregisterImage(cloud: Cloud, region: Region, imageId: string): void {
  const image = mustFind(region.images, imageId, 'InvalidAMIID.NotFound', 'image id');
  if (image.ownerId !== ACCOUNT_ID) throw new Ec2Error('AuthFailure', `Not authorized for image:${imageId}`);
  region.images.delete(imageId);
  if (image.committed && image.localImage) void cloud.lifetime.run(() => releaseLocalImage(cloud, image.localImage!));
}

async function releaseLocalImage(cloud: Cloud, localImage: string): Promise<void> {
  const stillUsed = [...cloud.regions.values()].some((r) => [...r.images.values()].some((i) => i.localImage === localImage));
  if (!stillUsed) await cloud.runtime.removeImage(localImage);
}
