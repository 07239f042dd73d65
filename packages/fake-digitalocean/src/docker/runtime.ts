import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { DIGITALOCEAN_IDENTITY, RuntimeIdentity } from './labels';
import { MACHINE_ENTRYPOINT } from './machine';
import { CLOUD_INIT_WAIT, HALT_SIGNAL, machineHostConfig, seedArchive } from './machine';
import { startSshdCommand } from './sshd';

export interface DropletContainerSpec {
  dropletId: number;
  name: string;
  tags: string[];
  localImage: string;
  /** The droplet's `user_data`, run by cloud-init at its first boot. */
  userData?: string;
}

/** The Docker side of droplets (and the fake EC2's instances): one host-network container per machine, snapshots by `docker commit`. */
export class DropletRuntime {
  constructor(
    private readonly docker: Docker,
    private readonly instanceId: string,
    private readonly identity: RuntimeIdentity = DIGITALOCEAN_IDENTITY,
  ) {}

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch {
      return false;
    }
  }

  /** Creates the droplet's container with its cloud-init seed and boots it; returns its id. */
  async createAndStart(spec: DropletContainerSpec): Promise<string> {
    const container = await this.docker.createContainer({
      name: `${this.identity.containerPrefix}-${this.instanceId.slice(0, 8)}-${spec.dropletId}`,
      Image: spec.localImage,
      Entrypoint: MACHINE_ENTRYPOINT,
      Cmd: [],
      Labels: {
        [this.identity.labels.instance]: this.instanceId,
        [this.identity.labels.droplet]: String(spec.dropletId),
        [this.identity.labels.dropletName]: spec.name,
        [this.identity.labels.tags]: spec.tags.join(','),
      },
      HostConfig: await machineHostConfig(this.docker),
    });
    await container.putArchive(seedArchive(spec.dropletId, spec.name, spec.userData), { path: '/' });
    await container.start();
    return container.id;
  }

  /**
   * Waits until the booted container's cloud-init is done (`cloud-init status --wait`), at most
   * `timeoutMs`; resolves with its status report. A failed user-data script does not fail the boot.
   */
  async waitForCloudInit(containerId: string, timeoutMs: number): Promise<string> {
    const chunks: Buffer[] = [];
    const exec = await this.docker.getContainer(containerId).exec({ Cmd: CLOUD_INIT_WAIT, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const output = new PassThrough();
    output.on('data', (c: Buffer) => chunks.push(c));
    this.docker.modem.demuxStream(stream, output, output);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve, reject) => {
          stream.on('end', resolve);
          stream.on('close', resolve);
          stream.on('error', reject);
        }),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`cloud-init did not finish within ${timeoutMs / 1000}s`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      stream.destroy();
    }
    return Buffer.concat(chunks).toString().trim();
  }

  /** Starts sshd on `address:port` with root's `authorizedKeys` added; fails when sshd refuses its configuration. */
  async startSshd(containerId: string, address: string, port: number, authorizedKeys: string[]): Promise<void> {
    const exec = await this.docker.getContainer(containerId).exec({
      Cmd: startSshdCommand(address, port, authorizedKeys),
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (c: Buffer) => chunks.push(c));
    this.docker.modem.demuxStream(stream, output, output);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    const { ExitCode } = await exec.inspect();
    if (ExitCode !== 0) {
      throw new Error(`sshd did not start (exit ${ExitCode}): ${Buffer.concat(chunks).toString().trim()}`);
    }
  }

  /** Kills every sshd in the container (the listener and each connection's), as a crash or a network cut would. */
  async killSshd(containerId: string): Promise<void> {
    const script = 'for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = sshd ] && kill -9 "${p#/proc/}" 2>/dev/null; done; true';
    const exec = await this.docker.getContainer(containerId).exec({ Cmd: ['/bin/sh', '-c', script], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    stream.resume();
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  }

  async start(containerId: string): Promise<void> {
    await this.docker.getContainer(containerId).start();
  }

  /**
   * `graceful` (shutdown): systemd's halt signal, and up to 10 s for it to stop its services and exit;
   * then, or at once (power_off), the container is killed.
   */
  async stop(containerId: string, graceful: boolean): Promise<void> {
    const container = this.docker.getContainer(containerId);
    if (graceful) {
      try {
        await container.kill({ signal: HALT_SIGNAL });
        for (let waited = 0; waited < 10_000 && (await container.inspect()).State.Running; waited += 200) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 409) throw error; // not running
      }
    }
    try {
      await container.stop({ t: 0 });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 304) throw error; // already stopped
    }
  }

  async restart(containerId: string): Promise<void> {
    await this.stop(containerId, true);
    await this.start(containerId);
  }

  async remove(containerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerId).remove({ force: true, v: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  /** `docker commit` of the container as the snapshot image `imageId`; returns its reference and size. */
  async commit(containerId: string, imageId: number, name: string): Promise<{ ref: string; sizeBytes: number }> {
    const tag = `${this.instanceId.slice(0, 8)}-${imageId}`;
    await this.docker.getContainer(containerId).commit({
      repo: this.identity.repository,
      tag,
      comment: `${this.identity.imageKind} ${imageId}: ${name}`,
      pause: true,
      changes: [
        'CMD ["/bin/bash"]',
        `LABEL ${this.identity.labels.image}="${imageId}"`,
        `LABEL ${this.identity.labels.snapshotName}=${JSON.stringify(name.replace(/[\r\n]/g, ' '))}`,
      ],
    });
    const ref = `${this.identity.repository}:${tag}`;
    const info = await this.docker.getImage(ref).inspect();
    return { ref, sizeBytes: info.Size };
  }

  /** Removes a snapshot image; false when a container still uses it (try again after removing that). */
  async removeImage(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).remove({ noprune: false });
      return true;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) return true;
      if (status === 409) return false;
      throw error;
    }
  }

  /** Removes every container, then every image, this instance made. */
  async removeEverything(): Promise<void> {
    const filters = JSON.stringify({ label: [`${this.identity.labels.instance}=${this.instanceId}`] });
    const containers = await this.docker.listContainers({ all: true, filters });
    await Promise.all(containers.map((c) => this.remove(c.Id)));
    // Snapshots of droplets made from snapshots are child images: remove the newest first, and retry
    // what a child still held.
    for (let pass = 0; pass < 5; pass++) {
      const images = await this.docker.listImages({ all: true, filters });
      if (images.length === 0) return;
      images.sort((a, b) => b.Created - a.Created);
      for (const image of images) {
        try {
          await this.docker.getImage(image.Id).remove({ force: true });
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status !== 404 && status !== 409) throw error;
        }
      }
    }
    const left = await this.docker.listImages({ all: true, filters });
    if (left.length > 0) throw new Error(`could not remove images ${left.map((i) => i.Id).join(', ')}`);
  }
}
