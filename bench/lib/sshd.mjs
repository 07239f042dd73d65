// Real OpenSSH sshd processes for the SSH cases, on loopback addresses only, started and stopped by the
// bench: one on this machine (uploads land in the bench's temp folder), and one per run inside a fresh
// container of the base image with host networking (playbooks change a whole system: never this one).
// Their sshd_config is the tests' (packages/nx-bake/test/support/sshd-config.js).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { sshdConfig } from '../../packages/nx-bake/test/support/sshd-config.js';
import { sh, sleep } from './util.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** An ed25519 key pair for every client of the bench (ours, Packer, OpenSSH). */
export function makeClientKey(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'client_ed25519');
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'nx-bake-bench', '-f', keyFile]);
  return { keyFile, publicKey: readFileSync(`${keyFile}.pub`, 'utf8').trim() };
}

function writeConfig(dir, { listen, paths, publicKey }) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'nx-bake-bench-host', '-f', join(dir, 'host_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), `${publicKey}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'sshd_config'),
    sshdConfig({
      listen,
      hostKey: `${paths}/host_ed25519`,
      authorizedKeys: `${paths}/authorized_keys`,
      pidFile: paths === dir ? join(dir, 'sshd.pid') : '/run/sshd.pid',
      logLevel: 'INFO',
    }),
  );
}

/** Resolves once something on host:port speaks SSH (its banner arrives). */
export async function waitForSsh(host, port, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = connect({ host, port });
      const done = (value) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (chunk) => done(chunk.toString().startsWith('SSH-')));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`no sshd answered on ${host}:${port} within ${timeoutMs} ms`);
}

/** sshd on this machine, as a child of the bench. */
export async function startHostSshd(dir, publicKey) {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  writeConfig(dir, { listen: `127.0.0.1:${port}`, paths: dir, publicKey });
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => (log = (log + chunk).slice(-20_000)));
  await waitForSsh('127.0.0.1', port).catch((error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${log}`);
  });
  return {
    host: '127.0.0.1',
    port,
    log: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // sshd's per-connection children exit with their connections; the listener goes with SIGTERM.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * sshd inside a fresh container of `image` (host networking, so it listens on 127.0.0.1:<port> of this
 * machine). `stop()` removes the container and everything done inside it.
 */
export async function startContainerSshd(dir, publicKey, { image, label }) {
  const port = await freePort();
  writeConfig(dir, { listen: `127.0.0.1:${port}`, paths: '/bench-sshd', publicKey });
  const id = sh('docker', [
    'run',
    '-d',
    '--network=host',
    '--label',
    label,
    '-v',
    `${dir}:/bench-sshd:ro`,
    '--entrypoint',
    '/usr/sbin/sshd',
    image,
    '-D',
    '-e',
    '-f',
    '/bench-sshd/sshd_config',
  ]);
  try {
    await waitForSsh('127.0.0.1', port);
  } catch (error) {
    const logs = sh('docker', ['logs', id], { allowFail: true });
    sh('docker', ['rm', '-f', '-v', id], { allowFail: true });
    throw new Error(`${error.message}\n${logs}`);
  }
  return {
    host: '127.0.0.1',
    port,
    container: id,
    exec: (command) => sh('docker', ['exec', id, '/bin/sh', '-c', command], { allowFail: true }),
    async stop() {
      sh('docker', ['rm', '-f', '-v', id], { allowFail: true });
    },
  };
}
