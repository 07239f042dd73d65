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
