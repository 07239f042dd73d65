import { ACCOUNT_ID } from '../../cloud/catalog';
import { applyFilters, FilterFields } from '../../cloud/filters';
import { copyImage, createImage, deregisterImage } from '../../cloud/image-lifecycle';
import { mustFind, selectByIds } from '../../cloud/lookup';
import { presentImage, presentSnapshot } from '../../cloud/present';
import { ImageRecord, SnapshotRecord } from '../../cloud/records';
import { Ec2Error } from '../../cloud/ec2-error';
import { Handler } from './types';

const IMAGE_FILTERS: FilterFields<ImageRecord> = {
  name: (i) => i.name,
  'image-id': (i) => i.imageId,
  'owner-id': (i) => i.ownerId,
  state: (i) => i.state,
  architecture: (i) => i.architecture,
  'virtualization-type': () => 'hvm',
  'root-device-type': () => 'ebs',
  'image-type': () => 'machine',
  'is-public': (i) => String(i.public),
  'ena-support': (i) => String(i.enaSupport),
  description: (i) => i.description,
  'block-device-mapping.snapshot-id': (i) => i.snapshotId,
};

const SNAPSHOT_FILTERS: FilterFields<SnapshotRecord> = {
  'snapshot-id': (s) => s.snapshotId,
  'owner-id': (s) => s.ownerId,
  status: (s) => s.state,
  'volume-id': (s) => s.volumeId,
  description: (s) => s.description,
};

/** Owners: account ids, `self` (the fake's account) or `amazon`; images of other owners are seen when public or shared. */
function visible(image: ImageRecord, owners: string[] | undefined): boolean {
  if (owners?.length) return owners.some((o) => (o === 'self' ? ACCOUNT_ID : o) === image.ownerId);
  return image.ownerId === ACCOUNT_ID || image.public || image.launchUsers.has(ACCOUNT_ID);
}

export const imageHandlers: Record<string, Handler> = {
  DescribeImages: ({ region, input }) => {
    const byId = selectByIds(region.images, input.ImageIds, 'InvalidAMIID.NotFound', 'image id');
    const images = applyFilters(byId.filter((i) => input.ImageIds?.length || visible(i, input.Owners)), input.Filters, IMAGE_FILTERS);
    return { Images: images.map(presentImage) };
  },
  CreateImage: ({ cloud, region, input }) => ({ ImageId: createImage(cloud, region, input) }),
  CopyImage: ({ cloud, region, input }) => ({ ImageId: copyImage(cloud, region, input) }),
  DeregisterImage: ({ cloud, region, input }) => (deregisterImage(cloud, region, input.ImageId), {}),
  DescribeImageAttribute: ({ region, input }) => {
    const image = mustFind(region.images, input.ImageId, 'InvalidAMIID.NotFound', 'image id');
    const attribute = input.Attribute as string;
    const value: Record<string, unknown> = { ImageId: image.imageId };
    if (attribute === 'launchPermission') {
      value.LaunchPermissions = [...(image.public ? [{ Group: 'all' }] : []), ...[...image.launchUsers].map((UserId) => ({ UserId }))];
    } else if (attribute === 'description') value.Description = { Value: image.description ?? '' };
    else if (attribute === 'sriovNetSupport') value.SriovNetSupport = { Value: 'simple' };
    else if (attribute === 'blockDeviceMapping') value.BlockDeviceMappings = (presentImage(image) as { BlockDeviceMappings: unknown }).BlockDeviceMappings;
    else throw new Ec2Error('InvalidParameterValue', `The attribute ${attribute} is not supported by this fake`);
    return value as never;
  },
  ModifyImageAttribute: ({ region, input }) => {
    const image = mustFind(region.images, input.ImageId, 'InvalidAMIID.NotFound', 'image id');
    if (input.Description?.Value !== undefined) image.description = input.Description.Value;
    const permission = input.LaunchPermission ?? {};
    for (const add of permission.Add ?? []) {
      if (add.Group === 'all') image.public = true;
      if (add.UserId) image.launchUsers.add(add.UserId);
    }
    for (const remove of permission.Remove ?? []) {
      if (remove.Group === 'all') image.public = false;
      if (remove.UserId) image.launchUsers.delete(remove.UserId);
    }
    for (const user of input.UserIds ?? []) image.launchUsers.add(user);
    return {};
  },
  DescribeSnapshots: ({ region, input }) => {
    const byId = selectByIds(region.snapshots, input.SnapshotIds, 'InvalidSnapshot.NotFound', 'snapshot');
    const owners: string[] | undefined = input.OwnerIds;
    const owned = byId.filter((s) => input.SnapshotIds?.length || (owners?.length ? owners.some((o) => (o === 'self' ? ACCOUNT_ID : o) === s.ownerId) : s.ownerId === ACCOUNT_ID));
    return { Snapshots: applyFilters(owned, input.Filters, SNAPSHOT_FILTERS).map(presentSnapshot) };
  },
  DeleteSnapshot: ({ region, input }) => {
    const snapshot = mustFind(region.snapshots, input.SnapshotId, 'InvalidSnapshot.NotFound', 'snapshot');
    const user = [...region.images.values()].find((i) => i.snapshotId === snapshot.snapshotId);
    if (user) throw new Ec2Error('InvalidSnapshot.InUse', `The snapshot ${snapshot.snapshotId} is currently in use by ${user.imageId}`);
    if (snapshot.ownerId !== ACCOUNT_ID) throw new Ec2Error('UnauthorizedOperation', `You are not authorized to delete snapshot ${snapshot.snapshotId}`);
    region.snapshots.delete(snapshot.snapshotId);
    return {};
  },
};
