import type Docker from 'dockerode';

/**
 * How a build container boots systemd as PID 1 (`systemd: true`), without `privileged`:
 * - PID 1 is the image's `/sbin/init` (systemd-sysv), started through `env container=docker`: systemd
 *   reads `container=` from its own environment to know it runs in a container, and passing it on the
 *   command line keeps it out of the container's Env, which the commit would otherwise bake into the image.
 * - `/run` and `/run/lock` are tmpfs, as systemd expects and cannot mount itself without CAP_SYS_ADMIN.
 *   `/tmp` stays on disk, as on Debian 12.
 * - cgroups: on a v1 host, the host's /sys/fs/cgroup read-only (systemd finds its own cgroup in the
 *   name=systemd hierarchy the engine made for the container). On a v2 host, systemd must write its
 *   subtree: the host cgroup namespace with /sys/fs/cgroup read-write.
 * - No `Init`: docker-init as PID 1 would make systemd an ordinary process, which it refuses to be.
 * - Stopping sends SIGRTMIN+3 (systemd's "halt") from the stop step rather than through `StopSignal`,
 *   which the commit would also carry into the image.
 */
export const SYSTEMD_ENTRYPOINT = ['/usr/bin/env', 'container=docker', '/sbin/init'];
export const SYSTEMD_HALT_SIGNAL = 'SIGRTMIN+3';

export interface SystemdContainerSettings {
  Entrypoint: string[];
  Tmpfs: Record<string, string>;
  Binds: string[];
  CgroupnsMode?: 'host';
}

export async function systemdContainerSettings(docker: Docker): Promise<SystemdContainerSettings> {
  const info = (await docker.info()) as { CgroupVersion?: string };
  const v2 = info.CgroupVersion === '2';
  return {
    Entrypoint: SYSTEMD_ENTRYPOINT,
    Tmpfs: { '/run': 'rw,nosuid,nodev,mode=755', '/run/lock': 'rw,nosuid,nodev,noexec,mode=1777' },
    Binds: [v2 ? '/sys/fs/cgroup:/sys/fs/cgroup:rw' : '/sys/fs/cgroup:/sys/fs/cgroup:ro'],
    ...(v2 ? { CgroupnsMode: 'host' as const } : {}),
  };
}
