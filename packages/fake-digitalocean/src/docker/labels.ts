/** Labels on the fake's containers and images (leak checks filter on them). */
export const LABEL = {
  /** The fake instance that made the container or image: `stop()` removes everything carrying its id. */
  instance: 'fake-digitalocean.instance',
  /** On a container: the droplet id. On a snapshot image: the droplet it was taken from. */
  droplet: 'fake-digitalocean.droplet',
  dropletName: 'fake-digitalocean.droplet-name',
  /** The droplet's tags at creation, comma-separated (Docker labels cannot change afterwards). */
  tags: 'fake-digitalocean.tags',
  /** On a snapshot image: its DigitalOcean image id. */
  image: 'fake-digitalocean.image',
  snapshotName: 'fake-digitalocean.snapshot-name',
} as const;

export const SNAPSHOT_REPOSITORY = 'fake-digitalocean/snapshot';

/** Who a runtime's containers and images belong to: their name prefix, labels and image repository (each fake has its own). */
export interface RuntimeIdentity {
  containerPrefix: string;
  repository: string;
  labels: { [K in keyof typeof LABEL]: string };
  /** What a committed image is called in its comment (`<kind> <id>: <name>`). */
  imageKind: string;
}

export const DIGITALOCEAN_IDENTITY: RuntimeIdentity = {
  containerPrefix: 'fake-do',
  repository: SNAPSHOT_REPOSITORY,
  labels: LABEL,
  imageKind: 'fake-digitalocean snapshot',
};
