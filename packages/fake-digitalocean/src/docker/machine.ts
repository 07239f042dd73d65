import type Docker from 'dockerode';

/**
 * Droplets boot like machines: the image's systemd is PID 1 and cloud-init runs at boot from a NoCloud
 * seed the fake writes into the container before it starts (DigitalOcean hands its droplets their
 * metadata and user data the same way, through a config drive). The container settings are the ones
 * nx-bake's Docker builder uses for `systemd: true`: `container=` given to init on its command line,
 * tmpfs /run and /run/lock, the host's cgroups read-only on v1 (read-write in the host namespace on v2).
 */
export const MACHINE_ENTRYPOINT = ['/usr/bin/env', 'container=docker', '/sbin/init'];
export const HALT_SIGNAL = 'SIGRTMIN+3';
const SEED_DIR = 'var/lib/cloud/seed/nocloud';

export async function machineHostConfig(docker: Docker): Promise<Docker.HostConfig & { CgroupnsMode?: string }> {
  const v2 = ((await docker.info()) as { CgroupVersion?: string }).CgroupVersion === '2';
  return {
    NetworkMode: 'host',
    Tmpfs: { '/run': 'rw,nosuid,nodev,mode=755', '/run/lock': 'rw,nosuid,nodev,noexec,mode=1777' },
    Binds: [v2 ? '/sys/fs/cgroup:/sys/fs/cgroup:rw' : '/sys/fs/cgroup:/sys/fs/cgroup:ro'],
    ...(v2 ? { CgroupnsMode: 'host' } : {}),
  };
}

/** The NoCloud seed as a tar archive for `putArchive` at `/`: meta-data (the instance) and user-data. */
export function seedArchive(dropletId: number, hostname: string, userData: string | undefined): Buffer {
  const metaData = `instance-id: droplet-${dropletId}\nlocal-hostname: ${hostname}\n`;
  return tar([
    { path: 'var/lib/cloud/seed', directory: true },
    { path: SEED_DIR, directory: true },
    { path: `${SEED_DIR}/meta-data`, content: metaData },
    // No user data is an empty cloud-config: cloud-init still runs its per-instance modules.
    { path: `${SEED_DIR}/user-data`, content: userData ?? '#cloud-config\n{}\n' },
  ]);
}

/** Waits for cloud-init to finish (`cloud-init status --wait`); the exit code says whether it succeeded. */
export const CLOUD_INIT_WAIT = [
  '/bin/sh',
  '-c',
  // cloud-init answers only once systemd has started it: wait for PID 1's socket first.
  'while [ ! -S /run/systemd/private ]; do sleep 0.2; done; systemctl is-system-running --wait >/dev/null 2>&1; cloud-init status --wait --long',
];

interface TarEntry {
  path: string;
  directory?: boolean;
  content?: string;
}

/** A minimal ustar archive (root-owned files and folders): all a seed needs, without a tar library. */
function tar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.content ?? '');
    const header = Buffer.alloc(512);
    header.write(entry.directory ? `${entry.path}/` : entry.path, 0, 100);
    header.write(entry.directory ? '0000755\0' : '0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
    header.write(entry.directory ? '5' : '0', 156);
    header.write('ustar\0' + '00', 257);
    header.fill(' ', 148, 156);
    const sum = header.reduce((total, byte) => total + byte, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header);
    if (body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
