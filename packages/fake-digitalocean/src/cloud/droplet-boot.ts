import { Cloud } from './cloud';
import { enqueue } from './container-queue';
import { Droplet } from './records';

/** Creates and starts the droplet's container (the first boot). */
export async function createContainer(cloud: Cloud, droplet: Droplet, localImage: string): Promise<void> {
  await enqueue(droplet, async () => {
    if (droplet.destroyed) throw new Error('the droplet was destroyed before it booted');
    try {
      droplet.containerId = await cloud.runtime.createAndStart({
        dropletId: droplet.id,
        name: droplet.name,
        tags: droplet.tags,
        localImage,
        userData: droplet.userData,
      });
      droplet.bootGeneration++;
    } catch (error) {
      droplet.error = `container: ${(error as Error).message}`;
      throw error;
    }
  });
}

/** How long a boot (systemd, then cloud-init with the droplet's user data) may take. */
const BOOT_TIMEOUT_MS = 10 * 60_000;

/**
 * Waits until the droplet's machine has booted and cloud-init has run (its output is in the droplet's
 * /var/log/cloud-init-output.log): only then is it `active` and does it accept SSH, as on DigitalOcean.
 */
export async function awaitBoot(cloud: Cloud, droplet: Droplet): Promise<void> {
  if (droplet.destroyed || !droplet.containerId) return;
  await cloud.runtime.waitForCloudInit(droplet.containerId, BOOT_TIMEOUT_MS).catch((error: Error) => {
    // The droplet was destroyed (its container went) or the boot hung: the droplet stays as it is.
    if (!droplet.destroyed) droplet.error = `boot: ${error.message}`;
  });
}

/** Starts the stopped container again (power_on). */
export async function startContainer(cloud: Cloud, droplet: Droplet): Promise<void> {
  await enqueue(droplet, async () => {
    await cloud.runtime.start(containerOf(droplet));
    droplet.bootGeneration++;
  });
}

export async function stopContainer(cloud: Cloud, droplet: Droplet, graceful: boolean): Promise<void> {
  await enqueue(droplet, async () => {
    droplet.bootGeneration++;
    await cloud.runtime.stop(containerOf(droplet), graceful);
  });
}

export async function restartContainer(cloud: Cloud, droplet: Droplet): Promise<void> {
  await enqueue(droplet, async () => {
    droplet.bootGeneration++;
    await cloud.runtime.restart(containerOf(droplet));
    droplet.bootGeneration++;
  });
}

/**
 * Starts sshd in the running container, `lateMs` after now (the "SSH accepts late" fault), unless the
 * container was stopped, restarted or removed meanwhile. A failure is kept as the droplet's `error`.
 */
export function launchSshd(cloud: Cloud, droplet: Droplet, lateMs: number): void {
  const generation = droplet.bootGeneration;
  const lifetime = cloud.lifetime;
  void lifetime.run(async () => {
    if (lateMs > 0) await lifetime.sleep(lateMs);
    await enqueue(droplet, async () => {
      if (droplet.destroyed || droplet.bootGeneration !== generation || !droplet.containerId) return;
      try {
        await cloud.runtime.startSshd(droplet.containerId, droplet.ip, cloud.settings.sshPort, droplet.authorizedKeys);
      } catch (error) {
        droplet.error = `sshd: ${(error as Error).message}`;
      }
    });
  });
}

export function containerOf(droplet: Droplet): string {
  if (!droplet.containerId) throw new Error(`droplet ${droplet.id} has no container (${droplet.error ?? 'it never booted'})`);
  return droplet.containerId;
}
