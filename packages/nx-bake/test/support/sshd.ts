/**
 * A real OpenSSH sshd for tests, run as a child process on a loopback address: its own temp folder with
 * generated host keys, authorized_keys and config, logging (VERBOSE) to a buffer the test can read.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net';
import { sshdConfig } from './sshd-config';

const SSHD = '/usr/sbin/sshd';

export interface SshdOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  port?: number;
  /** For a bastion: let clients open direct-tcpip channels (`ssh -J`, forwardOut). */
  allowTcpForwarding?: boolean;
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
  /** Extra sshd_config lines. */
  config?: string[];
}

export interface TestSshd {
  host: string;
  port: number;
  dir: string;
  /** The host public key line (`ssh-ed25519 AAAA... `), as ssh_host_key pins it. */
  hostKey: string;
  /** `SHA256:...` of the host key. */
  hostKeyFingerprint: string;
  /** Adds a public key line to authorized_keys. */
  authorize(publicKey: string): void;
  /** Starts sshd and resolves once it listens. */
  start(): Promise<void>;
  /** Kills sshd and every process under it (connections, their commands); resolves once they are gone. */
  stop(): Promise<void>;
  /** Makes a new host key (takes effect on the next start). */
  regenerateHostKey(): void;
  /** Everything sshd logged since it was made (or since `clearLog`). */
  log(): string;
  clearLog(): void;
  running(): boolean;
  /** The listener's PID while running. */
  pid(): number | undefined;
}

/** Makes (but does not start) an sshd. */
export async function createSshd(options: SshdOptions = {}): Promise<TestSshd> {
  // sshd insists on its privilege separation folder.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'nx-bake-sshd-'));
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, '', { mode: 0o600 });
  const configPath = join(dir, 'sshd_config');
  writeFileSync(
    configPath,
    sshdConfig({
      listen: `${host}:${port}`,
      hostKey: hostKeyPath,
      pidFile: join(dir, 'sshd.pid'),
      authorizedKeys,
      allowTcpForwarding: options.allowTcpForwarding,
      logLevel: options.logLevel,
      extra: options.config,
    }),
  );

  let hostKey = '';
  let hostKeyFingerprint = '';
  const makeHostKey = () => {
    rmSync(hostKeyPath, { force: true });
    rmSync(`${hostKeyPath}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-f', hostKeyPath, '-N', '', '-C', 'nx-bake-test-host'], { stdio: 'ignore' });
    hostKey = readFileSync(`${hostKeyPath}.pub`, 'utf8').trim();
    hostKeyFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKeyPath}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];
  };
  makeHostKey();

  let child: ChildProcess | undefined;
  let logText = '';

  const sshd: TestSshd = {
    host,
    port,
    dir,
    get hostKey() {
      return hostKey;
    },
    get hostKeyFingerprint() {
      return hostKeyFingerprint;
    },
    authorize(publicKey) {
      appendFileSync(authorizedKeys, `${publicKey.trim()}\n`);
    },
    async start() {
      if (child) throw new Error('sshd already running');
      const started = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      await new Promise<void>((resolve, reject) => {
        let pending = '';
        const onData = (chunk: Buffer) => {
          logText += chunk.toString();
          pending += chunk.toString();
          if (pending.includes('Server listening on')) {
            pending = '';
            resolve();
          }
        };
        started.stderr!.on('data', onData);
        started.once('exit', (code, signal) => reject(new Error(`sshd exited (${code ?? signal}) before listening:\n${logText}`)));
        started.once('error', reject);
      });
      started.removeAllListeners('exit');
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
    },
    async stop() {
      const running = child;
      if (!running?.pid) return;
      child = undefined;
      const pids = descendants(running.pid);
      for (const pid of [running.pid, ...pids]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      if (running.exitCode === null && running.signalCode === null) await new Promise((resolve) => running.once('exit', resolve));
      for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    regenerateHostKey: makeHostKey,
    log: () => logText,
    clearLog() {
      logText = '';
    },
    running: () => child !== undefined,
    pid: () => child?.pid,
  };
  return sshd;
}

/** Makes and starts an sshd. */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const sshd = await createSshd(options);
  await sshd.start();
  return sshd;
}

/** Stops an sshd and removes its folder. */
export async function destroySshd(sshd: TestSshd | undefined): Promise<void> {
  if (!sshd) return;
  await sshd.stop();
  rmSync(sshd.dir, { recursive: true, force: true });
}

/** Every process under `pid` (by /proc's PPid), deepest last. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = /^PPid:\s*(\d+)/m.exec(status);
      if (ppid) parents.set(Number(entry), Number(ppid[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Running (a zombie waiting for a parent to reap it counts as gone). */
export function alive(pid: number): boolean {
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
