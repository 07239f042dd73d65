import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  dir: string;
  privateKeyPath: string;
  publicKey: string;
  remove(): void;
}

/** A fresh ed25519 key pair in a temp folder, made by ssh-keygen. */
export function generateKey(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'fake-do-key-'));
  const privateKeyPath = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'fake-do-test', '-f', privateKeyPath]);
  return {
    dir,
    privateKeyPath,
    publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8').trim(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The MD5 fingerprint ssh-keygen reports for a public key file, without its `MD5:` prefix. */
export function md5Fingerprint(publicKeyPath: string): string {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', publicKeyPath], { encoding: 'utf8' });
  return /MD5:([0-9a-f:]+)/.exec(out)![1];
}

/** Runs `command` as root on `host` with the ssh CLI; resolves with its exit code and output. */
export function ssh(
  host: string,
  key: KeyPair,
  command: string,
  port = 22,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-o', 'LogLevel=ERROR',
    '-i', key.privateKeyPath,
    '-p', String(port),
    `root@${host}`,
    command,
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
