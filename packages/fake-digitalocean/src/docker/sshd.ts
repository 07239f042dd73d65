/**
 * The droplet's container: PID 1 only waits (and exits on SIGTERM, so `docker stop` is quick);
 * the fake starts sshd with `docker exec` once the container runs, which is how "SSH accepts late"
 * delays it. sshd listens on the droplet's own loopback address only.
 */
export const HOLD_COMMAND = ['/bin/sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];

const START_SSHD = [
  'set -e',
  'mkdir -p /run/sshd /root/.ssh',
  'chmod 700 /root/.ssh',
  'touch /root/.ssh/authorized_keys',
  'chmod 600 /root/.ssh/authorized_keys',
  // what cloud-init does on DigitalOcean: add the droplet's keys for root, keep the ones already there
  'shift 2',
  'for key in "$@"; do grep -qxF "$key" /root/.ssh/authorized_keys || printf \'%s\\n\' "$key" >> /root/.ssh/authorized_keys; done',
  'ssh-keygen -A >/dev/null',
  'exec /usr/sbin/sshd -o "ListenAddress=$ADDR:$PORT"',
].join('\n');

/** The exec that prepares root's keys and host keys and starts sshd (as a daemon) on `address:port`. */
export function startSshdCommand(address: string, port: number, authorizedKeys: string[]): string[] {
  return ['/bin/sh', '-c', `ADDR="$1"; PORT="$2"\n${START_SSHD}`, 'start-sshd', address, String(port), ...authorizedKeys];
}
