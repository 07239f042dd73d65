import { probeBind } from './probe';

/**
 * Hands out the droplets' public IPv4 addresses: 127.77.<block>.<2..254>, one per droplet, from the
 * block the fake claimed for itself (`block-claim.ts`); each address is also probed on the SSH port
 * before it is handed out, in case something outside the fakes listens there.
 */
export class LoopbackAddresses {
  private readonly taken = new Set<string>();
  private cursor = 2;

  constructor(
    readonly block: number,
    private readonly sshPort: number,
  ) {
    if (!Number.isInteger(block) || block < 0 || block > 255) throw new Error(`address block ${block} is not 0..255`);
  }

  /** The block's .1, never handed out: probing it tells whether the SSH port is usable at all. */
  get probeAddress(): string {
    return `127.77.${this.block}.1`;
  }

  async allocate(): Promise<string> {
    for (let tries = 0; tries < 253; tries++) {
      const address = `127.77.${this.block}.${this.cursor}`;
      this.cursor = this.cursor >= 254 ? 2 : this.cursor + 1;
      if (this.taken.has(address)) continue;
      if ((await probeBind(address, this.sshPort)) === 'in-use') continue;
      this.taken.add(address);
      return address;
    }
    throw new Error(`no free address left in 127.77.${this.block}.0/24`);
  }

  release(address: string): void {
    this.taken.delete(address);
  }

  /** The cursor keeps moving: the next droplet does not get the address a just-removed one had (its sockets may linger). */
  releaseAll(): void {
    this.taken.clear();
  }
}
