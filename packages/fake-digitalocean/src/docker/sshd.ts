/**
 * The fake starts the droplet's sshd with `docker exec` once the machine has booted (not ssh.service:
 * every droplet shares the host's network, and sshd listens on the droplet's own loopback address
 * only), which is also how "SSH accepts late" delays it.
 */
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
