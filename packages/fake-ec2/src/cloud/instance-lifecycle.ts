import { Cloud } from './cloud';
import { InstanceRecord } from './records';

/** How long a boot (systemd, then cloud-init with the user data) may take. */
const BOOT_TIMEOUT_MS = 10 * 60_000;

/** Runs `operation` after the instance's earlier container operations, so none of them overlap. */
export function enqueue<T>(instance: InstanceRecord, operation: () => Promise<T>): Promise<T> {
  const result = instance.queue.then(operation);
  instance.queue = result.catch(() => undefined);
  return result;
}

/**
 * Boots the instance in the background (its first boot creates the container): systemd and cloud-init
 * run, then sshd starts on the instance's own address with the key pair's public key for root; only
 * then is it `running`. Status checks pass `statusDelayMs` later, unless it is to never pass them.
 */
export function boot(cloud: Cloud, instance: InstanceRecord, localImage: string, authorizedKeys: string[]): void {
  const lifetime = cloud.lifetime;
  void lifetime.run(async () => {
    const generation = ++instance.generation;
    const current = (): boolean => instance.generation === generation && instance.state === 'pending';
    try {
      await enqueue(instance, async () => {
        if (!current()) return;
        if (instance.containerId) await cloud.runtime.start(instance.containerId);
        else
          instance.containerId = await cloud.runtime.createAndStart({
            dropletId: instance.seq,
            name: instance.instanceId,
            tags: [],
            localImage,
            userData: instance.userData,
          });
      });
      if (!current() || !instance.containerId) return;
      await cloud.runtime.waitForCloudInit(instance.containerId, BOOT_TIMEOUT_MS);
      await enqueue(instance, async () => {
        if (!current() || !instance.containerId) return;
        await cloud.runtime.startSshd(instance.containerId, instance.address, cloud.settings.sshPort, authorizedKeys);
        instance.state = 'running';
      });
    } catch (error) {
      if (instance.generation === generation) instance.error = `boot: ${(error as Error).message}`;
      return;
    }
    if (instance.neverHealthy) return;
    await lifetime.sleep(cloud.settings.statusDelayMs);
    if (instance.generation === generation && instance.state === 'running') instance.statusOk = true;
  });
}

/** stopping → stopped: the container is stopped (its filesystem stays, for CreateImage and StartInstances). */
export function stop(cloud: Cloud, instance: InstanceRecord): void {
  instance.generation++;
  instance.state = 'stopping';
  instance.statusOk = false;
  void cloud.lifetime.run(async () => {
    await enqueue(instance, async () => {
      if (instance.containerId) await cloud.runtime.stop(instance.containerId, false);
    });
    if (instance.state === 'stopping') instance.state = 'stopped';
  });
}

/** shutting-down → terminated: the container is removed and its address freed; the record stays a while, as on EC2. */
export function terminate(cloud: Cloud, instance: InstanceRecord): void {
  instance.generation++;
  instance.state = 'shutting-down';
  instance.statusOk = false;
  void cloud.lifetime.run(async () => {
    await enqueue(instance, async () => {
      if (instance.containerId) await cloud.runtime.remove(instance.containerId);
      instance.containerId = undefined;
    });
    cloud.addresses.release(instance.address);
    instance.state = 'terminated';
  });
}
