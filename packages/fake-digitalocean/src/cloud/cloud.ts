import { DropletRuntime } from '../docker/runtime';
import { Faults } from '../faults';
import { LoopbackAddresses } from '../net/addresses';
import { Lifetime } from '../util/lifetime';
import { Store } from './store';

export interface CloudSettings {
  /** How long a droplet stays `new` after its container started. */
  activeDelayMs: number;
  /** How long every action stays `in-progress` at least. */
  actionDelayMs: number;
  /** The port sshd listens on in every droplet. */
  sshPort: number;
}

/** Everything the fake cloud's operations act on. */
export class Cloud {
  readonly store: Store;
  lifetime = new Lifetime();
  /** Snapshot images deleted through the API while a droplet's container still used them. */
  readonly pendingImageRemovals = new Set<string>();

  constructor(
    readonly settings: CloudSettings,
    readonly runtime: DropletRuntime,
    readonly faults: Faults,
    readonly addresses: LoopbackAddresses,
    baseImages: Record<string, string>,
  ) {
    this.store = new Store(baseImages);
  }

  /** Retries removing snapshot images that a container held. */
  async retryImageRemovals(): Promise<void> {
    for (const ref of [...this.pendingImageRemovals]) {
      if (await this.runtime.removeImage(ref)) this.pendingImageRemovals.delete(ref);
    }
  }

  /** Ends background work, removes every container and image, forgets all records and faults. */
  async reset(): Promise<void> {
    await this.lifetime.end();
    await this.runtime.removeEverything();
    this.pendingImageRemovals.clear();
    this.store.clear();
    this.faults.clear();
    this.addresses.releaseAll();
    this.lifetime = new Lifetime();
  }

  async shutdown(): Promise<void> {
    await this.lifetime.end();
    await this.runtime.removeEverything();
  }
}
