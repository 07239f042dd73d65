import Docker from 'dockerode';
import { LoopbackAddresses } from './net/addresses';
import { BlockClaim, claimBlock } from './net/block-claim';
import { probeBind } from './net/probe';

export interface Preflight {
  claim: BlockClaim;
  addresses: LoopbackAddresses;
  docker: Docker;
}

/**
 * What must hold before the fake serves: a droplet address block of its own, an SSH port its
 * droplets can listen on (nothing holds a wildcard bind on it), and a Docker engine.
 */
export async function preflight(options: { addressBlock?: number; sshPort: number; docker?: Docker }): Promise<Preflight> {
  const claim = claimBlock(options.addressBlock);
  try {
    const addresses = new LoopbackAddresses(claim.block, options.sshPort);
    if ((await probeBind(addresses.probeAddress, options.sshPort)) === 'in-use') {
      throw new Error(
        `Something on this host listens on port ${options.sshPort} of every address (a wildcard bind, e.g. the host's ` +
          `sshd on 0.0.0.0:${options.sshPort}), so droplets cannot listen on their own 127.77.x.y:${options.sshPort}. ` +
          'Make it listen on specific addresses, or start the fake with another sshPort.',
      );
    }
    const docker = options.docker ?? new Docker();
    await docker.ping().catch((error: Error) => {
      throw new Error(`fake-digitalocean needs a Docker engine: ${error.message}`);
    });
    return { claim, addresses, docker };
  } catch (error) {
    claim.release();
    throw error;
  }
}
