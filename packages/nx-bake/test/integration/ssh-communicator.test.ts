/**
 * The SSH communicator against real OpenSSH sshd processes on loopback addresses (nothing leaves 127.0.0.0/8),
 * and the real ansible-playbook through it. sshd runs as root on this machine, so "remote" files and
 * processes are local ones: the tests check them directly.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import {
  connectSsh,
  connectSshCommunicator,
  generateTemporaryKeyPair,
  parseSshConfig,
  SshCommunicator,
  writePrivateKeyFile,
  type SshSettings,
  type TemporaryKeyPair,
} from '../../src/communicators/ssh';
import type { StageLogger } from '../../src/progress/stage-logger';
import { runProvisioner } from '../../src/provisioners';
import type { ProvisionerContext } from '../../src/provisioners/provisioner';
import { freePort } from '../support/net';
import { alive, createSshd, descendants, destroySshd, startSshd, type TestSshd } from '../support/sshd';

jest.setTimeout(60_000);

/** Sleep durations unique to this run: the process checks must never see the commands of another run. */
const RUN_TAG = 100_000 + Math.floor(Math.random() * 800_000);
const sleepFor = (n: number) => `${RUN_TAG}${n}`;

let tempDir: string;
let key: TemporaryKeyPair;
let sshd: TestSshd;
let communicator: SshCommunicator;
const extraSshds: TestSshd[] = [];
const extraCommunicators: SshCommunicator[] = [];

/** Settings for the main sshd with the temporary key, plus overrides (Packer field names). */
function settingsFor(server: Pick<TestSshd, 'host' | 'port'>, raw: Record<string, unknown> = {}, privateKey: string | undefined = key.privateKey): SshSettings {
  return parseSshConfig({ ssh_host: server.host, ssh_port: server.port, ssh_timeout: '20s', ...raw }, { privateKey });
}

async function open(settings: SshSettings, signal?: AbortSignal): Promise<SshCommunicator> {
  const opened = await SshCommunicator.connect({ settings, tempDir }, signal);
  extraCommunicators.push(opened);
  return opened;
}

async function sshdFor(options: Parameters<typeof createSshd>[0] = {}, start = true): Promise<TestSshd> {
  const server = await createSshd(options);
  extraSshds.push(server);
  server.authorize(key.publicKey);
  if (start) await server.start();
  return server;
}

/** Runs a command; fails the test unless it exits 0. */
async function sh(on: SshCommunicator, command: string): Promise<string> {
  let output = '';
  const result = await on.exec(command, { onStdout: (chunk) => (output += chunk), onStderr: (chunk) => (output += chunk) });
  if (result.exitCode !== 0) throw new Error(`\`${command}\` exited ${result.exitCode}: ${output}`);
  return output;
}

/** PIDs of local processes whose command line contains `text` (sshd's commands run on this machine). */
function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text) && alive(Number(entry))) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** The processes with `text` once they are gone, or still there after `ms` (SIGKILL takes a moment to land). */
async function processesAfterKill(text: string, ms = 2_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (processesWith(text).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return processesWith(text);
}

function countLines(log: string, pattern: RegExp): number {
  return log.split('\n').filter((line) => pattern.test(line)).length;
}

function write(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

function mode(path: string): number {
  return statSync(path).mode & 0o7777;
}

function testLogger(onOutput?: (text: string) => void): StageLogger & { text(): string } {
  const lines: string[] = [];
  return {
    info: (message) => lines.push(`[info] ${message}`),
    warn: (message) => lines.push(`[warn] ${message}`),
    output: (_stream, chunk) => {
      lines.push(chunk.toString());
      onOutput?.(chunk.toString());
    },
    flush: () => undefined,
    text: () => lines.join('\n'),
  };
}

function contextFor(on: SshCommunicator, overrides: Partial<ProvisionerContext> = {}): ProvisionerContext & { log: ReturnType<typeof testLogger> } {
  return {
    communicator: on,
    log: testLogger(),
    signal: new AbortController().signal,
    pipelineDir: tempDir,
    workspaceRoot: tempDir,
    builderName: 'ssh-test',
    builderType: 'null',
    tempDir,
    renderFile: (path) => readFileSync(join(tempDir, path), 'utf8'),
    ...overrides,
  } as ProvisionerContext & { log: ReturnType<typeof testLogger> };
}

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'nx-bake-ssh-'));
  key = generateTemporaryKeyPair('nx-bake-test');
  sshd = await startSshd();
  sshd.authorize(key.publicKey);
  communicator = await SshCommunicator.connect({ settings: settingsFor(sshd), tempDir });
});

afterAll(async () => {
  await communicator?.close();
  for (const opened of extraCommunicators) await opened.close();
  for (const server of extraSshds) await destroySshd(server);
  await destroySshd(sshd);
  rmSync(tempDir, { recursive: true, force: true });
});

describe('temporary key', () => {
  it('is a fresh ed25519 pair in OpenSSH format, written 0600 into a 0700 folder', async () => {
    const other = generateTemporaryKeyPair();
    expect(key.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ nx-bake-test$/);
    expect(other.publicKey).toMatch(/ nx-bake$/);
    expect(other.publicKey).not.toBe(key.publicKey);
    expect(key.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const file = await key.writePrivateKey(tempDir);
    expect(mode(file)).toBe(0o600);
    expect(mode(dirname(file))).toBe(0o700);
    expect(dirname(dirname(file))).toBe(tempDir);
    // OpenSSH itself reads it back to the same public key and fingerprint.
    const words = (line: string) => line.trim().split(/\s+/).slice(0, 2);
    expect(words(execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }))).toEqual(words(key.publicKey));
    writeFileSync(`${file}.pub`, `${key.publicKey}\n`);
    expect(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]).toBe(key.fingerprint);
    // Never overwritten: each call makes its own folder.
    const second = await writePrivateKeyFile(tempDir, key.privateKey);
    expect(dirname(second)).not.toBe(dirname(file));
    rmSync(dirname(file), { recursive: true });
    rmSync(dirname(second), { recursive: true });
  });

  it('logs in, and the key file ansible gets is 0600 in a 0700 folder that close() removes', async () => {
    const opened = await open(settingsFor(sshd));
    expect(await sh(opened, 'id -un')).toBe('root\n');
    expect(opened.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
    const file = opened.ansibleTarget().inventoryVars.ansible_ssh_private_key_file;
    expect(file).toBe(opened.privateKeyFile);
    expect(readFileSync(file, 'utf8')).toBe(key.privateKey);
    expect(mode(file)).toBe(0o600);
    expect(mode(dirname(file))).toBe(0o700);
    expect(mode(dirname(dirname(file)))).toBe(0o700);
    expect(file.startsWith(tempDir)).toBe(true);
    await opened.close();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(dirname(file)))).toBe(false);
    await expect(opened.exec('true')).rejects.toThrow(/closed/);
  });
});

describe('connecting', () => {
  it('keeps trying until an sshd that starts late answers', async () => {
    const late = await sshdFor({}, false);
    const started = Date.now();
    setTimeout(() => void late.start(), 2_500);
    const log: string[] = [];
    const opened = await SshCommunicator.connect({ settings: settingsFor(late, { ssh_timeout: '30s' }), tempDir, log: (line) => log.push(line) });
    extraCommunicators.push(opened);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await sh(opened, 'echo up')).toBe('up\n');
    expect(log.join('\n')).toMatch(/waiting for root@127\.0\.0\.1:\d+ \(attempt 1: connect ECONNREFUSED/);
    expect(log.join('\n')).toMatch(/connected to root@127\.0\.0\.1:\d+ after \d+ attempts/);
  });

  it('keeps trying while the instance does not accept the key yet', async () => {
    const server = await createSshd();
    extraSshds.push(server);
    await server.start();
    setTimeout(() => server.authorize(key.publicKey), 1_500);
    const started = Date.now();
    const opened = await open(settingsFor(server));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(countLines(server.log(), /Accepted publickey for root/)).toBe(1);
    expect(await sh(opened, 'echo in')).toBe('in\n');
  });

  it('gives up at ssh_timeout with an error naming the target and the last failure', async () => {
    const port = await freePort();
    const started = Date.now();
    const attempt = connectSsh(settingsFor({ host: '127.0.0.1', port }, { ssh_timeout: '2s' }));
    await expect(attempt).rejects.toMatchObject({
      name: 'SshConnectError',
      reason: 'timeout',
      message: expect.stringMatching(new RegExp(`^timed out after 2s \\(ssh_timeout\\) waiting for SSH on root@127\\.0\\.0\\.1:${port}: \\d+ attempt\\(s\\), last error: connect ECONNREFUSED`)),
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    expect(elapsed).toBeLessThan(3_500);
  });

  it('gives up after ssh_handshake_attempts failed handshakes, before the timeout', async () => {
    const sockets: Socket[] = [];
    let connections = 0;
    // Answers, then talks nonsense: a port that is open but no sshd (yet).
    const server: Server = createServer((socket) => {
      connections++;
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const started = Date.now();
      await expect(connectSsh(settingsFor({ host: '127.0.0.1', port }, { ssh_timeout: '30s', ssh_handshake_attempts: 3 }))).rejects.toMatchObject({
        reason: 'handshake',
        message: expect.stringMatching(/after 3 failed SSH handshakes/),
      });
      expect(connections).toBe(3);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops at once on abort, while retrying and during pause_before_connecting', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const started = Date.now();
    await expect(connectSsh(settingsFor({ host: '127.0.0.1', port }, { ssh_timeout: '1m' }), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_500);

    const privateDirs = () => readdirSync(tempDir).filter((name) => name.startsWith('ssh-'));
    const before = privateDirs();
    const paused = new AbortController();
    setTimeout(() => paused.abort(), 300);
    const pauseStarted = Date.now();
    await expect(SshCommunicator.connect({ settings: settingsFor(sshd, { pause_before_connecting: '1m' }), tempDir }, paused.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - pauseStarted).toBeLessThan(1_300);
    // Nothing left behind: no private folder of a communicator that never connected.
    expect(privateDirs()).toEqual(before);
  });

  it('honours pause_before_connecting', async () => {
    const started = Date.now();
    const opened = await open(settingsFor(sshd, { pause_before_connecting: '1s' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await sh(opened, 'echo paused')).toBe('paused\n');
  });

  it('accepts a pinned host key (key line or fingerprint) and refuses another one at once', async () => {
    const byLine = await open(settingsFor(sshd, { ssh_host_key: sshd.hostKey }));
    expect(await sh(byLine, 'echo pinned')).toBe('pinned\n');
    const byFingerprint = await open(settingsFor(sshd, { ssh_host_key: sshd.hostKeyFingerprint }));
    expect(byFingerprint.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);

    const stranger = generateTemporaryKeyPair('not-the-host');
    const started = Date.now();
    await expect(connectSsh(settingsFor(sshd, { ssh_host_key: stranger.publicKey, ssh_timeout: '30s' }))).rejects.toMatchObject({
      reason: 'host-key',
      message: expect.stringContaining(`the server presented ssh-ed25519 ${sshd.hostKeyFingerprint}, but ssh_host_key pins ${stranger.fingerprint}`),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(countLines(sshd.log(), /Accepted publickey/)).toBeGreaterThan(0);
  });

  it('under accept-new, refuses a different host key when reconnecting', async () => {
    const server = await sshdFor();
    const opened = await open(settingsFor(server));
    const first = opened.hostKeyFingerprint;
    expect(first).toBe(server.hostKeyFingerprint);
    await server.stop();
    server.regenerateHostKey();
    await server.start();
    await expect(opened.exec('echo impostor')).rejects.toThrow(/host key changed for root@127\.0\.0\.1:\d+: the server now presents ssh-ed25519 SHA256:\S+, but earlier in this build it presented/);
    expect(opened.hostKeyFingerprint).toBe(first);
  });

  it('refuses invalid settings with every problem at once', () => {
    expect(() => parseSshConfig({ ssh_port: 'x', ssh_timeout: '5', ssh_usernme: 'a', ssh_host_key: 'nope', ssh_bastion_port: 2 }, { label: 'builder "b"' })).toThrow(
      /^builder "b": invalid SSH settings:\n {2}- "ssh_usernme" is not an SSH option[^\n]*\n {2}- "ssh_host" is required[^\n]*\n {2}- "ssh_port" must be a whole number[^\n]*\n {2}- "ssh_host_key" "nope" is neither[^\n]*\n {2}- no way to log in[^\n]*\n {2}- "ssh_bastion_port" needs "ssh_bastion_host"\n {2}- "ssh_timeout" must be a duration/,
    );
    const defaults = parseSshConfig({}, { host: '127.0.0.1', privateKey: key.privateKey });
    expect(defaults).toMatchObject({ port: 22, username: 'root', timeoutMs: 300_000, handshakeAttempts: 10, keepAliveIntervalMs: 5_000, pauseBeforeConnectingMs: 0, hostKey: { kind: 'accept-new' } });
  });
});

describe('exec', () => {
  it('streams stdout and stderr apart as they come, passes env, returns the exit code', async () => {
    const chunks: { at: number; text: string }[] = [];
    let stderr = '';
    const started = Date.now();
    const result = await communicator.exec('echo first; sleep 1; echo err >&2; printf "%s|%s" "$GREETING" "$SECOND"; exit 3', {
      env: { GREETING: "it's a $HOME `b`", SECOND: 'two words' },
      onStdout: (chunk) => chunks.push({ at: Date.now() - started, text: chunk.toString() }),
      onStderr: (chunk) => (stderr += chunk),
    });
    const ended = Date.now() - started;
    expect(result).toEqual({ exitCode: 3 });
    expect(chunks.map((chunk) => chunk.text).join('')).toBe("first\nit's a $HOME `b`|two words");
    expect(chunks[0].text).toBe('first\n');
    expect(chunks[0].at).toBeLessThan(ended - 700);
    expect(stderr).toBe('err\n');
    expect(await communicator.exec('exit 0')).toEqual({ exitCode: 0 });
    await expect(communicator.exec('true', { env: { 'BAD NAME': 'x' } })).rejects.toThrow(/invalid environment variable name/);
  });

  it('reports a command ended by a signal', async () => {
    expect(await communicator.exec('kill -TERM $$')).toEqual({ exitCode: null, signal: 'SIGTERM' });
  });

  it('feeds stdin from a string and from a stream; without stdin the command reads EOF', async () => {
    let fromString = '';
    await communicator.exec('tr a-z A-Z', { stdin: 'hello', onStdout: (chunk) => (fromString += chunk) });
    expect(fromString).toBe('HELLO');
    let fromStream = '';
    await communicator.exec('wc -l', { stdin: Readable.from(['a\n', 'b\n', 'c\n']), onStdout: (chunk) => (fromStream += chunk) });
    expect(fromStream.trim()).toBe('3');
    expect(await communicator.exec('cat > /dev/null', { timeoutMs: 5_000 })).toEqual({ exitCode: 0 });
  });

  it('kills the command and its children on the instance on timeout', async () => {
    const started = Date.now();
    await expect(communicator.exec(`env -i sleep ${sleepFor(1)} & (sh -c "sleep ${sleepFor(2)}") & sleep ${sleepFor(3)}; wait`, { timeoutMs: 1_000 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(4_000);
    for (const sleeper of [`sleep ${sleepFor(1)}`, `sleep ${sleepFor(2)}`, `sleep ${sleepFor(3)}`]) expect(await processesAfterKill(sleeper)).toEqual([]);
  });

  it('kills the command on abort and rejects promptly; an aborted signal starts nothing', async () => {
    const controller = new AbortController();
    let output = '';
    const running = communicator.exec(`echo go; sleep ${sleepFor(4)}`, { signal: controller.signal, onStdout: (chunk) => (output += chunk) });
    while (!output.includes('go')) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(processesWith(`sleep ${sleepFor(4)}`).length).toBeGreaterThan(0);
    const aborted = Date.now();
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - aborted).toBeLessThan(3_000);
    expect(await processesAfterKill(`sleep ${sleepFor(4)}`)).toEqual([]);
    const marker = join(tempDir, 'never');
    await expect(communicator.exec(`touch ${marker}`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(marker)).toBe(false);
  });

  it('runs commands in parallel over the one connection', async () => {
    const before = countLines(sshd.log(), /Accepted publickey/);
    const started = Date.now();
    const outputs = await Promise.all([1, 2, 3, 4].map((n) => sh(communicator, `sleep 1; echo ${n}`)));
    expect(outputs).toEqual(['1\n', '2\n', '3\n', '4\n']);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(countLines(sshd.log(), /Accepted publickey/)).toBe(before);
  });
});

describe('files', () => {
  it('uploads a file over SFTP into new parent folders with its mode, from bytes or a stream', async () => {
    const target = join(tempDir, 'upload/a/b/file.txt');
    await communicator.upload(Buffer.from('secret-ish\n'), target, { mode: 0o640 });
    expect(readFileSync(target, 'utf8')).toBe('secret-ish\n');
    expect(mode(target)).toBe(0o640);
    // An existing file gets the new content and mode.
    await communicator.upload(Buffer.from('again\n'), target, { mode: 0o600 });
    expect(readFileSync(target, 'utf8')).toBe('again\n');
    expect(mode(target)).toBe(0o600);
    const streamed = join(tempDir, 'upload/stream.sh');
    await communicator.upload(Readable.from([Buffer.from('from a '), Buffer.from('stream')]), streamed, { mode: 0o755 });
    expect(readFileSync(streamed, 'utf8')).toBe('from a stream');
    expect(mode(streamed)).toBe(0o755);
    expect(countLines(sshd.log(), /Starting session: subsystem 'sftp'/)).toBeGreaterThan(0);
  });

  it('uploads a directory tree as one tar stream over one command, no SFTP', async () => {
    const local = join(tempDir, 'tree-src');
    write(join(local, 'top.txt'), 'top');
    write(join(local, 'nested/deep/run.sh'), '#!/bin/sh\necho ran\n', 0o755);
    write(join(local, 'nested/secret.txt'), 'quiet', 0o600);
    mkdirSync(join(local, 'empty/inner'), { recursive: true });
    const remote = join(tempDir, 'tree-dst/into');
    // A connection of its own, so the log shows exactly what the upload did.
    const server = await sshdFor();
    const opened = await open(settingsFor(server));
    server.clearLog();
    await opened.uploadDirectory(local, remote);
    expect(readFileSync(join(remote, 'top.txt'), 'utf8')).toBe('top');
    expect(execFileSync(join(remote, 'nested/deep/run.sh'), { encoding: 'utf8' })).toBe('ran\n');
    expect(mode(join(remote, 'nested/deep/run.sh'))).toBe(0o755);
    expect(mode(join(remote, 'nested/secret.txt'))).toBe(0o600);
    expect(readdirSync(join(remote, 'empty'))).toEqual(['inner']);
    expect(readdirSync(join(remote, 'empty/inner'))).toEqual([]);
    expect(statSync(join(remote, 'top.txt')).uid).toBe(0);
    const log = server.log();
    expect(countLines(log, /Starting session: command/)).toBe(1);
    expect(countLines(log, /Starting session: subsystem/)).toBe(0);
  });

  it('fails an upload with the remote tar complaint', async () => {
    const local = join(tempDir, 'tree-fail');
    write(join(local, 'a.txt'), 'a');
    const blocker = join(tempDir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    await expect(communicator.uploadDirectory(local, join(blocker, 'sub'))).rejects.toThrow(/upload of .* failed: .*exited 1: mkdir: cannot create directory/);
  });

  it('downloads a file (with its mode) and a directory tree', async () => {
    const remote = join(tempDir, 'dl-src');
    write(join(remote, 'one.txt'), 'one\n', 0o640);
    write(join(remote, 'sub/two.txt'), 'two\n');
    write(join(remote, 'sub/bin/tool'), '#!/bin/sh\n', 0o755);
    mkdirSync(join(remote, 'empty'));
    const local = join(tempDir, 'downloads');
    await communicator.download(join(remote, 'one.txt'), join(local, 'renamed.txt'));
    expect(readFileSync(join(local, 'renamed.txt'), 'utf8')).toBe('one\n');
    expect(mode(join(local, 'renamed.txt'))).toBe(0o640);
    await communicator.download(remote, join(local, 'tree'));
    expect(readFileSync(join(local, 'tree/one.txt'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(local, 'tree/sub/two.txt'), 'utf8')).toBe('two\n');
    expect(mode(join(local, 'tree/sub/bin/tool'))).toBe(0o755);
    expect(readdirSync(join(local, 'tree/empty'))).toEqual([]);
    await expect(communicator.download(join(remote, 'missing'), join(local, 'x'))).rejects.toThrow(/download of .*missing failed: No such file/);
  });
});

describe('bastion', () => {
  let bastion: TestSshd;
  let target: TestSshd;
  let bastionKeyFile: string;

  beforeAll(async () => {
    // The instance listens on another loopback address; the bastion forwards to it (and logs that it did).
    bastion = await sshdFor({ allowTcpForwarding: true, logLevel: 'DEBUG1' });
    target = await sshdFor({ host: '127.0.0.2' });
    const bastionKey = generateTemporaryKeyPair('bastion');
    bastion.authorize(bastionKey.publicKey);
    bastionKeyFile = await writePrivateKeyFile(tempDir, bastionKey.privateKey);
  });

  const throughBastion = (bastionPort = bastion.port, raw: Record<string, unknown> = {}) =>
    settingsFor(target, { ssh_bastion_host: '127.0.0.1', ssh_bastion_port: bastionPort, ssh_bastion_private_key_file: bastionKeyFile, ...raw });

  it('reaches the instance through the jump host', async () => {
    bastion.clearLog();
    target.clearLog();
    const opened = await open(throughBastion());
    const [, , serverAddress, serverPort] = (await sh(opened, 'echo $SSH_CONNECTION')).trim().split(' ');
    expect([serverAddress, Number(serverPort)]).toEqual(['127.0.0.2', target.port]);
    expect(bastion.log()).toMatch(new RegExp(`server_request_direct_tcpip: originator \\S+ port \\d+, target 127\\.0\\.0\\.2 port ${target.port}`));
    expect(countLines(bastion.log(), /Accepted publickey for root/)).toBe(1);
    expect(countLines(target.log(), /Accepted publickey for root/)).toBe(1);
    await opened.upload(Buffer.from('via bastion'), join(tempDir, 'bastion/file.txt'));
    expect(readFileSync(join(tempDir, 'bastion/file.txt'), 'utf8')).toBe('via bastion');
  });

  it('really goes through it: a dead bastion means no connection, though the instance is up', async () => {
    const deadPort = await freePort();
    await expect(connectSsh(throughBastion(deadPort, { ssh_timeout: '1500ms' }))).rejects.toMatchObject({
      reason: 'timeout',
      message: expect.stringMatching(new RegExp(`through bastion root@127\\.0\\.0\\.1:${deadPort}.*ECONNREFUSED`)),
    });
  });

  it('keeps retrying while the bastion cannot reach the instance yet', async () => {
    const late = await sshdFor({ host: '127.0.0.3' }, false);
    setTimeout(() => void late.start(), 1_500);
    const opened = await open(settingsFor(late, { ssh_bastion_host: '127.0.0.1', ssh_bastion_port: bastion.port, ssh_bastion_private_key_file: bastionKeyFile }));
    expect(await sh(opened, 'echo late')).toBe('late\n');
    expect(countLines(bastion.log(), /Accepted publickey for root/)).toBeGreaterThanOrEqual(1);
  });

  it('points ansible through the bastion with a ProxyCommand', async () => {
    const opened = await open(throughBastion());
    const out = join(tempDir, 'ansible-bastion.txt');
    const playbook = join(tempDir, 'bastion-site.yml');
    writeFileSync(playbook, `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: 'echo "$SSH_CONNECTION" > ${out}'\n`);
    await runProvisioner({ type: 'ansible', playbook: 'bastion-site.yml' }, contextFor(opened));
    expect(readFileSync(out, 'utf8').trim().split(' ').slice(2)).toEqual(['127.0.0.2', String(target.port)]);
    expect(opened.ansibleTarget().inventoryVars.ansible_ssh_common_args).toContain(`-o 'ProxyCommand=ssh -W %h:%p -p ${bastion.port} -l root`);
  });
});

describe('disconnects (expect_disconnect)', () => {
  let server: TestSshd;
  let opened: SshCommunicator;

  beforeAll(async () => {
    server = await sshdFor();
    opened = await open(settingsFor(server));
  });

  async function restartWhen(output: () => string, text: string, downMs = 500): Promise<void> {
    while (!output().includes(text)) await new Promise((resolve) => setTimeout(resolve, 20));
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await server.start();
  }

  it('ends a command with `disconnected` when the connection drops, and the next call reconnects', async () => {
    const fingerprint = opened.hostKeyFingerprint;
    let output = '';
    const running = opened.exec(`echo started; sleep ${sleepFor(5)}`, { onStdout: (chunk) => (output += chunk) });
    const restarted = restartWhen(() => output, 'started');
    expect(await running).toEqual({ exitCode: null, signal: 'disconnected' });
    await restarted;
    expect(await sh(opened, 'echo back')).toBe('back\n');
    expect(opened.hostKeyFingerprint).toBe(fingerprint);
    expect(countLines(server.log(), /Accepted publickey for root/)).toBe(2);
    // Uploads reconnect too.
    await server.stop();
    await server.start();
    await opened.upload(Buffer.from('after restart'), join(tempDir, 'after-restart.txt'));
    expect(readFileSync(join(tempDir, 'after-restart.txt'), 'utf8')).toBe('after restart');
  });

  it('reconnect() opens a new connection on demand', async () => {
    const before = countLines(server.log(), /Accepted publickey for root/);
    await opened.reconnect();
    expect(countLines(server.log(), /Accepted publickey for root/)).toBe(before + 1);
    expect(await sh(opened, 'echo fresh')).toBe('fresh\n');
  });

  it('lets a shell step with expect_disconnect succeed, and fails one without', async () => {
    let output = '';
    const context = contextFor(opened, { log: testLogger((text) => (output += text)) });
    const step = runProvisioner({ type: 'shell', expect_disconnect: true, inline: ['echo rebooting', `sleep ${sleepFor(6)}`] }, context);
    await restartWhen(() => output, 'rebooting');
    await step;
    expect(context.log.text()).toContain('disconnected, as expected');
    // The provisioner removed its script after reconnecting.
    expect(readdirSync('/tmp').filter((name) => name.startsWith('script_') && readFileSync(join('/tmp', name), 'utf8').includes(`sleep ${sleepFor(6)}`))).toEqual([]);

    output = '';
    const strict = contextFor(opened, { log: testLogger((text) => (output += text)) });
    const failing = runProvisioner({ type: 'shell', inline: ['echo rebooting', `sleep ${sleepFor(7)}`] }, strict);
    const restarted = restartWhen(() => output, 'rebooting');
    await expect(failing).rejects.toThrow(/the connection to the instance dropped while it ran, so it has no exit status; .* set expect_disconnect: true/);
    await restarted;
  });
});

describe('keep-alive', () => {
  it('notices an instance that stopped answering and ends the command with `disconnected`', async () => {
    const server = await sshdFor();
    const opened = await open(settingsFor(server, { ssh_keep_alive_interval: '500ms' }));
    let output = '';
    const running = opened.exec(`echo started; sleep ${sleepFor(9)}`, { onStdout: (chunk) => (output += chunk) });
    while (!output.includes('started')) await new Promise((resolve) => setTimeout(resolve, 20));
    // Freeze the connection's sshd processes: the TCP connection stays up, nothing answers (a hung or lost machine).
    const frozen = descendants(server.pid()!).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sshd:'));
    expect(frozen.length).toBeGreaterThan(0);
    frozen.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    const stopped = Date.now();
    try {
      expect(await running).toEqual({ exitCode: null, signal: 'disconnected' });
      expect(Date.now() - stopped).toBeLessThan(4_000);
    } finally {
      // Kill the command first: once its sshd goes, it would be orphaned and out of the sshd's process tree.
      processesWith(`sleep ${sleepFor(9)}`).forEach((pid) => process.kill(pid, 'SIGKILL'));
      frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
    }
  });
});

describe('ansible', () => {
  it('runs a real playbook through ansibleTarget() over SSH with the temporary key (plain Ansible)', async () => {
    const opened = await connectSshCommunicator({ ssh_host: sshd.host, ssh_port: String(sshd.port), privateKey: key.privateKey }, undefined, { tempDir });
    extraCommunicators.push(opened);
    const target = opened.ansibleTarget();
    const controlDir = dirname(target.inventoryVars.ansible_ssh_private_key_file).replace(/\/key-[^/]+$/, '');
    expect(target).toEqual({
      inventoryVars: {
        ansible_connection: 'ssh',
        ansible_host: '127.0.0.1',
        ansible_port: String(sshd.port),
        ansible_user: 'root',
        ansible_ssh_private_key_file: opened.privateKeyFile,
        ansible_ssh_common_args: `-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ControlMaster=auto -o ControlPersist=60s -o ControlPath=${controlDir}/cm-%C -o IdentitiesOnly=yes`,
      },
      env: { ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_PIPELINING: 'True', ANSIBLE_HOST_KEY_CHECKING: 'False' },
    });

    const out = join(tempDir, 'ansible-out', 'report.txt');
    writeFileSync(
      join(tempDir, 'site.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        `    - file: { path: ${dirname(out)}, state: directory, mode: "0755" }`,
        '    - copy:',
        `        dest: ${out}`,
        '        content: "hello {{ greeting }} over {{ ansible_connection }} as {{ ansible_user }}\\n"',
        '',
      ].join('\n'),
    );
    const context = contextFor(opened);
    await runProvisioner({ type: 'ansible', playbook: 'site.yml', vars: { greeting: 'from nx-bake' }, mitogen: false }, context);
    expect(readFileSync(out, 'utf8')).toBe('hello from nx-bake over ssh as root\n');
    expect(context.log.text()).toMatch(/ok=2 .*changed=2 .*failed=0/);
    expect(context.log.text()).not.toContain('Mitogen');

    // ansible's ssh kept a control master; close() ends it and removes the folder with the key and socket.
    expect(readdirSync(controlDir).some((name) => name.startsWith('cm-'))).toBe(true);
    expect(processesWith(`${controlDir}/cm-`).length).toBeGreaterThan(0);
    await opened.close();
    expect(processesWith(`${controlDir}/cm-`)).toEqual([]);
    expect(existsSync(controlDir)).toBe(false);
  });

  it('runs the playbook with Mitogen over one ssh connection of its own, the instance\'s Python named', async () => {
    const opened = await connectSshCommunicator({ ssh_host: sshd.host, ssh_port: String(sshd.port), privateKey: key.privateKey }, undefined, { tempDir });
    extraCommunicators.push(opened);
    expect(opened.ansibleTarget({ mitogen: true }).inventoryVars.ansible_ssh_common_args).toBe('-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes');
    const out = join(tempDir, 'ansible-mitogen-parent.txt');
    writeFileSync(join(tempDir, 'parent.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "tr '\\\\0' ' ' < /proc/$PPID/cmdline > ${out}"\n`);
    const context = contextFor(opened);
    await runProvisioner({ type: 'ansible', playbook: 'parent.yml' }, context);
    expect(context.log.text()).toContain('ansible: running parent.yml with Mitogen');
    // The task ran from the interpreter Mitogen started over ssh, under the name it gives that context.
    expect(readFileSync(out, 'utf8')).toMatch(/^\/usr\/bin\/python3\(mitogen:/);
    const controlDir = dirname(opened.ansibleTarget().inventoryVars.ansible_ssh_private_key_file).replace(/\/key-[^/]+$/, '');
    expect(readdirSync(controlDir).filter((name) => name.startsWith('cm-'))).toEqual([]);
    expect(processesWith(`${controlDir}/cm-`)).toEqual([]);
  });
});
