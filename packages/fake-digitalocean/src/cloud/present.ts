import { findRegion, findSize, Region, REGION_FEATURES, Size, SIZES } from './catalog';
import { Cloud } from './cloud';
import { Action, Droplet, Image, SshKey } from './records';
import { countTagged } from './tags';

/** The API shapes of the fake's records, as the DigitalOcean API v2 returns them. */

export function regionJson(region: Region): Record<string, unknown> {
  return {
    name: region.name,
    slug: region.slug,
    features: REGION_FEATURES,
    available: true,
    sizes: SIZES.map((s) => s.slug),
  };
}

export function sizeJson(size: Size, regions: string[]): Record<string, unknown> {
  return {
    ...size,
    regions,
    available: true,
    disk_info: [{ type: 'local', size: { amount: size.disk, unit: 'gib' } }],
  };
}

export function imageJson(image: Image): Record<string, unknown> {
  return {
    id: image.id,
    name: image.name,
    distribution: image.distribution,
    slug: image.slug,
    public: image.public,
    regions: image.regions,
    created_at: image.createdAt,
    type: image.type,
    min_disk_size: image.minDiskSize,
    size_gigabytes: image.sizeGigabytes,
    description: image.description,
    tags: image.tags,
    status: 'available',
    error_message: '',
  };
}

/** A snapshot as /v2/snapshots shows it (string ids). */
export function snapshotJson(image: Image): Record<string, unknown> {
  return {
    id: String(image.id),
    name: image.name,
    created_at: image.createdAt,
    regions: image.regions,
    resource_id: String(image.sourceDropletId ?? ''),
    resource_type: 'droplet',
    min_disk_size: image.minDiskSize,
    size_gigabytes: image.sizeGigabytes,
    tags: image.tags,
  };
}

/** A snapshot as /v2/droplets/{id}/snapshots shows it (numeric ids). */
export function dropletSnapshotJson(image: Image): Record<string, unknown> {
  return {
    id: image.id,
    name: image.name,
    created_at: image.createdAt,
    regions: image.regions,
    min_disk_size: image.minDiskSize,
    size_gigabytes: image.sizeGigabytes,
    type: 'snapshot',
  };
}

export function dropletJson(cloud: Cloud, droplet: Droplet): Record<string, unknown> {
  const size = findSize(droplet.size)!;
  const region = findRegion(droplet.region)!;
  const image = cloud.store.images.get(droplet.imageId);
  const features = [droplet.monitoring && 'monitoring', 'private_networking', droplet.ipv6 && 'ipv6'].filter(Boolean);
  const v4 = [
    { ip_address: droplet.ip, netmask: '255.0.0.0', gateway: '127.0.0.1', type: 'public' },
    { ip_address: droplet.ip, netmask: '255.0.0.0', gateway: '127.0.0.1', type: 'private' },
  ];
  return {
    id: droplet.id,
    name: droplet.name,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: size.disk,
    disk_info: [{ type: 'local', size: { amount: size.disk, unit: 'gib' } }],
    locked: droplet.locked,
    status: droplet.status,
    kernel: null,
    created_at: droplet.createdAt,
    features,
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: droplet.snapshotIds,
    // The image it was made from, even when that snapshot was deleted since (as DigitalOcean does).
    image: image ? imageJson(image) : { id: droplet.imageId, name: '(deleted)', status: 'deleted' },
    volume_ids: [],
    size: sizeJson(size, [region.slug]),
    size_slug: size.slug,
    networks: { v4: droplet.status === 'new' ? [] : v4, v6: [] }, // addresses show once it is up
    region: regionJson(region),
    tags: droplet.tags,
    vpc_uuid: droplet.vpcUuid,
  };
}

export function actionJson(action: Action): Record<string, unknown> {
  const region = action.regionSlug ? findRegion(action.regionSlug) : undefined;
  return {
    id: action.id,
    status: action.status,
    type: action.type,
    started_at: action.startedAt,
    completed_at: action.completedAt,
    resource_id: action.resourceId,
    resource_type: action.resourceType,
    ...(region ? { region: regionJson(region) } : {}),
    region_slug: action.regionSlug,
  };
}

export function keyJson(key: SshKey): Record<string, unknown> {
  return { id: key.id, fingerprint: key.fingerprint, public_key: key.publicKey, name: key.name };
}

export function tagJson(cloud: Cloud, name: string, baseUrl: string): Record<string, unknown> {
  const counts = countTagged(cloud, name);
  const metadata = (count: number, path: string): Record<string, unknown> =>
    count > 0 ? { count, last_tagged_uri: `${baseUrl}/v2/${path}` } : { count: 0 };
  return {
    name,
    resources: {
      ...metadata(counts.droplets + counts.images, 'tags/' + encodeURIComponent(name)),
      droplets: metadata(counts.droplets, 'droplets?tag_name=' + encodeURIComponent(name)),
      images: metadata(counts.images, 'images?tag_name=' + encodeURIComponent(name)),
      volumes: { count: 0 },
      volume_snapshots: { count: 0 },
      databases: { count: 0 },
    },
  };
}
