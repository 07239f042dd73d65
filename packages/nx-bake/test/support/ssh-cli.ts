import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliKey {
  privateKeyFile: string;
  publicKey: string;
  remove(): void;
}

/** An ed25519 key made by ssh-keygen, for driving instances with the OpenSSH client in tests. */
export function cliKey(): CliKey {
  const dir = mkdtempSync(join(tmpdir(), 'nx-bake-cli-key-'));
  const privateKeyFile = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', privateKeyFile]);
  return { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim(), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a command over SSH as root, retrying the connection while sshd comes up. */
export async function sshRun(host: string, key: CliKey, command: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = spawnSync(
      'ssh',
      ['-i', key.privateKeyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR', `root@${host}`, command],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status === 0) return result.stdout;
    if (result.status !== 255 || Date.now() > deadline) throw new Error(`ssh ${host} ${command}: exit ${result.status}: ${result.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
