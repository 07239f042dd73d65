import type { DropletRuntime, LoopbackAddresses } from '../../../fake-digitalocean/src';
import { Lifetime } from '../../../fake-digitalocean/src';
import { Faults } from '../faults';
import { freshRegion } from './catalog';
import { Ec2Error } from './ec2-error';
import { Region } from './records';

export interface CloudSettings {
  regions: string[];
  baseImage: string;
  sshPort: number;
  /** How long status checks stay `initializing` after the instance is running. */
  statusDelayMs: number;
  /** How long a new AMI stays `pending` at least. */
  imageDelayMs: number;
}

/** Every region's resources, and what acts on them: the container runtime, the address pool, the faults. */
export class Cloud {
  regions = new Map<string, Region>();
  lifetime = new Lifetime();
  private seq = 0;

  constructor(
    readonly settings: CloudSettings,
    readonly runtime: DropletRuntime,
    readonly addresses: LoopbackAddresses,
    readonly faults: Faults,
  ) {
    this.populate();
  }

  region(name: string): Region {
    const region = this.regions.get(name);
    if (!region) throw new Ec2Error('UnauthorizedOperation', `The region '${name}' is not served by this fake (${[...this.regions.keys()].join(', ')})`, 401);
    return region;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Back to the start: every container and committed image removed, the regions as new. */
  async reset(): Promise<void> {
    await this.lifetime.end();
    await this.runtime.removeEverything();
    this.addresses.releaseAll();
    this.faults.clear();
    this.lifetime = new Lifetime();
    this.populate();
  }

  async shutdown(): Promise<void> {
    await this.lifetime.end();
    await this.runtime.removeEverything();
  }

  private populate(): void {
    this.regions = new Map(this.settings.regions.map((name) => [name, freshRegion(name, this.settings.baseImage)]));
  }
}
