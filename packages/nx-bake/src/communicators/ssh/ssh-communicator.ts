import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import * as tarFs from 'tar-fs';
import { shellQuote } from '../../util/shell-quote';
import type { AnsibleTarget, AnsibleTargetOptions, Communicator, ExecOptions, ExecResult } from '../communicator';
import { killCommand } from '../kill-script';
import { CommandInterrupted, Interruption } from '../command-interruption';
import { sshAnsibleTarget } from './ansible-target';
import { describeEndpoint, parseSshConfig, type ParseSshConfigOptions, type SshSettings } from './config';
import { connectSsh, type SshConnection } from './connect';
import { HostKeyCheck } from './host-key';
import { packDirectory } from './local-tar';
import { channelOutcome, feedStdin, openExecChannel, wrapCommand } from './remote-command';
import { openSftp, sftpReadFile, sftpStat, sftpWriteFile } from './sftp';
import { writePrivateKeyFile } from './temporary-key';

export interface SshCommunicatorOptions {
  /** Validated settings: see parseSshConfig. */
  settings: SshSettings;
  /**
   * The build's private temp folder. The communicator keeps what ansible's ssh needs (the temporary key as a
   * 0600 file, ControlMaster sockets) in a 0700 folder of its own inside it, removed by close(). Default: the OS temp folder.
   */
  tempDir?: string;
  /** Environment every command gets, under the per-call `env`. */
  env?: Record<string, string>;
  /** Progress messages (waiting for SSH, reconnecting). */
  log?: (message: string) => void;
}

export type ConnectSshCommunicatorOptions = Omit<SshCommunicatorOptions, 'settings'> & Pick<ParseSshConfigOptions, 'baseDir' | 'label' | 'host'>;

/**
 * Validates Packer-style options and connects: `raw` holds the `ssh_*` fields (and `pause_before_connecting`),
 * plus `privateKey`, the build's temporary key in OpenSSH PEM, when the builder made one. E.g.
 * `connectSshCommunicator({ ...config.ssh, ssh_host: address, privateKey: pair.privateKey }, signal)`.
 */
export async function connectSshCommunicator(
  raw: Record<string, unknown> & { privateKey?: string },
  signal?: AbortSignal,
  options: ConnectSshCommunicatorOptions = {},
): Promise<SshCommunicator> {
  const { privateKey, ...fields } = raw;
  const settings = parseSshConfig(fields, { host: options.host, privateKey, baseDir: options.baseDir, label: options.label });
  return SshCommunicator.connect({ settings, tempDir: options.tempDir, env: options.env, log: options.log }, signal);
}

/** How long the kill of an interrupted command, and the end of ansible's control masters, may take. */
const HOUSEKEEPING_TIMEOUT_MS = 10_000;
/** A unix socket path has ~104 bytes; ssh adds `.` and 16 random characters to ControlPath while creating it. */
const MAX_CONTROL_DIR_LENGTH = 104 - '/cm-'.length - 40 - 17;

/**
 * A Communicator over one SSH connection per build, shared by every provisioner: commands on exec channels,
 * single files over SFTP, folders as one tar stream over one exec channel. A connection that drops (a reboot
 * in a shell step with `expect_disconnect`) ends the running command with `signal: 'disconnected'`, and the
 * next call reconnects, holding the instance to the host key it presented first.
 */
export class SshCommunicator implements Communicator {
  private connection?: SshConnection;
  private connecting?: Promise<SshConnection>;
  private sftpSession?: { connection: SshConnection; sftp: Promise<SFTPWrapper> };
  private readonly lifetime = new AbortController();
  private readonly hostKeys: { target: HostKeyCheck; bastion?: HostKeyCheck };
  private privateDir?: string;
  private controlDir?: string;
  private keyFile?: string;
  private everConnected = false;
  private closing?: Promise<void>;

  private constructor(private readonly options: SshCommunicatorOptions) {
    const { settings } = options;
    this.hostKeys = {
      target: new HostKeyCheck(settings.hostKey, describeEndpoint(settings)),
      bastion: settings.bastion ? new HostKeyCheck(settings.bastion.hostKey, `bastion ${describeEndpoint(settings.bastion)}`) : undefined,
    };
  }

  /** Prepares the private folder and connects (waiting up to ssh_timeout for the instance). */
  static async connect(options: SshCommunicatorOptions, signal?: AbortSignal): Promise<SshCommunicator> {
    const communicator = new SshCommunicator(options);
    try {
      await communicator.preparePrivateDir();
      await communicator.connected(signal);
      return communicator;
    } catch (error) {
      await communicator.close();
      throw error;
    }
  }

  get settings(): SshSettings {
    return this.options.settings;
  }

  /** `SHA256:...` of the host key the instance presented (undefined before the first connection). */
  get hostKeyFingerprint(): string | undefined {
    return this.connection?.hostKeyFingerprint ?? this.hostKeys.target.trustedFingerprint;
  }

  /** The key file ansible's ssh uses: the configured one, or the temporary key written 0600 into the private folder. */
  get privateKeyFile(): string | undefined {
    return this.settings.privateKeyFile ?? this.keyFile;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const call = new Interruption(options.signal, options.timeoutMs);
    let connection: SshConnection | undefined;
    let channel: ClientChannel | undefined;
    const marker = randomUUID();
    try {
      call.throwIfInterrupted();
      const wrapped = wrapCommand(command, { ...this.options.env, ...options.env }, marker);
      connection = await call.race(this.connected());
      const opening = openExecChannel(connection.client, wrapped);
      // A channel that opens after an interrupt was already given up on: its command must not run on.
      opening.then(
        (opened) => {
          if (call.interrupted && opened !== channel) void this.stop(connection!, opened, marker);
        },
        () => undefined,
      );
      try {
        channel = await call.race(opening);
      } catch (error) {
        if (call.interrupted) throw error;
        throw new Error(`cannot run a command on ${describeEndpoint(this.settings)}: ${(error as Error).message}`);
      }
      const outcome = channelOutcome(channel, options);
      feedStdin(channel, options.stdin);
      return await call.race(outcome);
    } catch (error) {
      if (call.interrupted && connection && channel) await this.stop(connection, channel, marker);
      throw error;
    } finally {
      call.dispose();
    }
  }

  async upload(source: Buffer | Readable, remotePath: string, options: { mode?: number; signal?: AbortSignal } = {}): Promise<void> {
    const sftp = await this.sftp(options.signal);
    try {
      await sftpWriteFile(sftp, source, remotePath, options.mode ?? 0o644, options.signal);
    } catch (error) {
      throw transferError(`upload to ${remotePath}`, error, options.signal);
    }
  }

  async uploadDirectory(localDir: string, remoteDir: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    // Packing the top-level names (not '.') keeps the archive from resetting remoteDir's own mode and owner.
    const entries = (await readdir(localDir)).sort();
    const archive = packDirectory(localDir, entries);
    const dir = shellQuote(remoteDir);
    // `-o`: files belong to the login user (GNU, busybox and bsdtar all read it so when extracting).
    await this.housekeeping(`mkdir -p -- ${dir} && tar -x -o -f - -C ${dir}`, `upload of ${localDir} to ${remoteDir}`, { stdin: archive, signal: options.signal });
  }

  async download(remotePath: string, localPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const target = resolve(localPath);
    const sftp = await this.sftp(options.signal);
    let stats;
    try {
      stats = await sftpStat(sftp, remotePath);
    } catch (error) {
      throw new Error(`download of ${remotePath} failed: ${(error as Error).message}`);
    }
    if (!stats.isDirectory()) {
      try {
        await sftpReadFile(sftp, remotePath, target, stats.mode, options.signal);
      } catch (error) {
        throw transferError(`download of ${remotePath}`, error, options.signal);
      }
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    const extract = tarFs.extract(target, { chown: false } as tarFs.ExtractOptions);
    await this.housekeeping(`tar -c -f - -C ${shellQuote(remotePath)} .`, `download of ${remotePath}`, { stdout: extract, signal: options.signal });
  }

  ansibleTarget(options: AnsibleTargetOptions = {}): AnsibleTarget {
    if (!this.controlDir) throw new Error('the SSH communicator is not connected (use SshCommunicator.connect)');
    return sshAnsibleTarget({ settings: this.settings, privateKeyFile: this.privateKeyFile, controlDir: this.controlDir, mitogen: options.mitogen });
  }

  /** Drops the connection (if any) and connects again, e.g. after the instance rebooted. */
  async reconnect(signal?: AbortSignal): Promise<void> {
    this.connection?.end();
    this.connection = undefined;
    await this.connected(signal);
  }

  /** Ends the connection and ansible's control masters, and removes the private folder with the key file. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** The open connection, or a new one (one attempt shared by concurrent callers; each may stop waiting with its signal). */
  private async connected(signal?: AbortSignal): Promise<SshConnection> {
    if (this.lifetime.signal.aborted) throw new Error('the SSH communicator is closed');
    if (this.connection?.isOpen()) return this.connection;
    if (!this.connecting) {
      if (this.everConnected) this.options.log?.(`ssh: reconnecting to ${describeEndpoint(this.settings)}`);
      const attempt = connectSsh(this.settings, this.lifetime.signal, { hostKeys: this.hostKeys, log: this.options.log, skipPause: this.everConnected }).then((connection) => {
        if (this.lifetime.signal.aborted) {
          connection.end();
          throw new Error('the SSH communicator is closed');
        }
        this.connection = connection;
        this.everConnected = true;
        void connection.closed.then(() => {
          if (this.connection === connection && this.everConnected) this.options.log?.(`ssh: connection to ${describeEndpoint(this.settings)} closed`);
        });
        return connection;
      });
      this.connecting = attempt;
      void attempt.then(
        () => (this.connecting = undefined),
        () => (this.connecting = undefined),
      );
    }
    if (!signal) return this.connecting;
    const call = new Interruption(signal);
    try {
      return await call.race(this.connecting);
    } catch (error) {
      if (call.interrupted) throw new CommandInterrupted(`connecting over SSH to ${describeEndpoint(this.settings)} aborted`, 'AbortError');
      throw error;
    } finally {
      call.dispose();
    }
  }

  private async sftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    const connection = await this.connected(signal);
    if (this.sftpSession?.connection !== connection) {
      const sftp = openSftp(connection.client);
      const session = { connection, sftp };
      this.sftpSession = session;
      sftp.then(
        (opened) => opened.on('close', () => this.sftpSession === session && (this.sftpSession = undefined)),
        () => this.sftpSession === session && (this.sftpSession = undefined),
      );
    }
    return this.sftpSession.sftp;
  }

  /**
   * A command of our own with stdin and/or stdout streamed (tar), its stderr kept for the error message.
   * Fails unless it exits 0; an abort kills it.
   */
  private async housekeeping(command: string, what: string, io: { stdin?: Readable; stdout?: Writable; signal?: AbortSignal }): Promise<void> {
    const call = new Interruption(io.signal);
    const marker = randomUUID();
    let connection: SshConnection | undefined;
    let channel: ClientChannel | undefined;
    let inputError: Error | undefined;
    let outputError: Error | undefined;
    const stderr: Buffer[] = [];
    try {
      call.throwIfInterrupted();
      connection = await call.race(this.connected());
      channel = await call.race(openExecChannel(connection.client, wrapCommand(command, {}, marker)));
      const opened = channel;
      const outcome = channelOutcome(opened, { onStderr: (chunk) => stderr.push(chunk) });
      let written: Promise<void> = Promise.resolve();
      if (io.stdout) {
        const sink = io.stdout;
        const onOutputError = (error: Error) => {
          outputError ??= error;
          opened.close();
        };
        sink.on('error', onOutputError);
        opened.pipe(sink);
        written = finished(sink).catch(onOutputError);
      }
      io.stdin?.on('error', (error: Error) => {
        inputError ??= error;
        opened.close();
      });
      feedStdin(opened, io.stdin);
      const result = await call.race(outcome);
      // A local read failure explains a broken upload better than the remote tar's complaint about it.
      if (inputError) throw new Error(`${what} failed: ${inputError.message}`);
      if (result.exitCode !== 0) {
        const output = Buffer.concat(stderr).toString().trim();
        throw new Error(`${what} failed: \`${command}\` ${result.exitCode === null ? `ended by ${result.signal}` : `exited ${result.exitCode}`}${output ? `: ${output}` : ''}`);
      }
      await call.race(written);
      if (outputError) throw new Error(`${what} failed: ${outputError.message}`);
    } catch (error) {
      io.stdin?.destroy();
      if (call.interrupted && connection && channel) await this.stop(connection, channel, marker);
      if (call.interrupted) throw new CommandInterrupted(`${what} aborted`, call.interrupted.name as 'AbortError');
      throw error;
    } finally {
      call.dispose();
    }
  }

  /** Ends an interrupted command: kills its process tree on the instance (by marker), then closes its channel. */
  private async stop(connection: SshConnection, channel: ClientChannel, marker: string): Promise<void> {
    try {
      if (connection.isOpen()) {
        const kill = await openExecChannel(connection.client, killCommand(marker));
        const done = channelOutcome(kill, {});
        kill.end();
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, HOUSEKEEPING_TIMEOUT_MS).unref())]);
        kill.close();
      }
    } catch {
      // Best effort: a connection that is gone (or an instance shutting down) ends the command just as well.
    } finally {
      channel.close();
    }
  }

  private async preparePrivateDir(): Promise<void> {
    const base = this.options.tempDir ?? tmpdir();
    this.privateDir = await mkdtemp(join(base, 'ssh-'));
    await chmod(this.privateDir, 0o700);
    if (this.privateDir.length <= MAX_CONTROL_DIR_LENGTH) this.controlDir = this.privateDir;
    else {
      this.controlDir = await mkdtemp(join(tmpdir(), 'nxb-cm-'));
      await chmod(this.controlDir, 0o700);
    }
    if (this.settings.privateKey && !this.settings.privateKeyFile) this.keyFile = await writePrivateKeyFile(this.privateDir, this.settings.privateKey);
  }

  private async shutDown(): Promise<void> {
    this.lifetime.abort();
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      connection.end();
      await Promise.race([connection.closed, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    }
    if (this.controlDir) await stopControlMasters(this.controlDir);
    for (const dir of new Set([this.privateDir, this.controlDir])) {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Ends the ssh ControlMaster processes ansible left behind (ControlPersist would keep them for a minute). */
async function stopControlMasters(controlDir: string): Promise<void> {
  const sockets = (await readdir(controlDir).catch(() => [] as string[])).filter((name) => name.startsWith('cm-'));
  await Promise.all(
    sockets.map(
      (name) =>
        new Promise<void>((resolve) => {
          execFile('ssh', ['-o', `ControlPath=${join(controlDir, name)}`, '-O', 'exit', 'nx-bake-control-master'], { timeout: HOUSEKEEPING_TIMEOUT_MS }, () => resolve());
        }),
    ),
  );
}

function transferError(what: string, error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return new CommandInterrupted(`${what} aborted`, 'AbortError');
  return new Error(`${what} failed: ${(error as Error).message}`);
}
