import { describeSlug } from './catalog';
import { Action, Droplet, Image, SshKey } from './records';

const FIRST_IDS = { droplet: 410_000_001, action: 2_100_000_001, image: 170_000_001, key: 43_000_001 };

/** The fake cloud's records, in memory, with DigitalOcean-like numeric ids. */
export class Store {
  readonly keys = new Map<number, SshKey>();
  readonly droplets = new Map<number, Droplet>();
  readonly images = new Map<number, Image>();
  readonly actions = new Map<number, Action>();
  readonly tags = new Set<string>();
  private readonly next = { ...FIRST_IDS };

  constructor(private readonly baseImages: Record<string, string>) {
    this.addBaseImages();
  }

  nextId(kind: keyof typeof FIRST_IDS): number {
    return this.next[kind]++;
  }

  /** An image by numeric id or (for distribution images) slug. */
  findImage(idOrSlug: string | number): Image | undefined {
    const text = String(idOrSlug);
    if (/^\d+$/.test(text)) return this.images.get(Number(text));
    return [...this.images.values()].find((i) => i.slug === text);
  }

  findKey(idOrFingerprint: string | number): SshKey | undefined {
    const text = String(idOrFingerprint);
    if (/^\d+$/.test(text)) return this.keys.get(Number(text));
    return [...this.keys.values()].find((k) => k.fingerprint === text);
  }

  /** The droplet's action still in progress, if any (DigitalOcean allows one at a time). */
  pendingAction(dropletId: number): Action | undefined {
    return [...this.actions.values()].find(
      (a) => a.resourceType === 'droplet' && a.resourceId === dropletId && a.status === 'in-progress',
    );
  }

  snapshots(): Image[] {
    return [...this.images.values()].filter((i) => i.type === 'snapshot');
  }

  /** Forgets everything but the distribution images. */
  clear(): void {
    this.keys.clear();
    this.droplets.clear();
    this.images.clear();
    this.actions.clear();
    this.tags.clear();
    this.addBaseImages();
  }

  private addBaseImages(): void {
    Object.entries(this.baseImages).forEach(([slug, localImage], index) => {
      const { distribution, name } = describeSlug(slug);
      const id = 160_000_001 + index;
      this.images.set(id, {
        id,
        name,
        type: 'base',
        distribution,
        slug,
        public: true,
        regions: ['nyc1', 'nyc3', 'sfo3', 'ams3', 'fra1', 'lon1', 'sgp1', 'tor1'],
        createdAt: '2024-01-01T00:00:00Z',
        minDiskSize: 10,
        sizeGigabytes: 1.5,
        tags: [],
        description: `${distribution} ${name} (local image ${localImage})`,
        localImage,
      });
    });
  }
}
