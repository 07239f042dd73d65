import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, posix, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import * as tarFs from 'tar-fs';
import { shellQuote } from '../util/shell-quote';
import type { AnsibleTarget, Communicator, ExecOptions, ExecResult } from './communicator';

/**
 * Every command runs with this variable set to a fresh value, so an aborted or timed-out command's whole
 * process tree can be found (and killed) inside the container: `docker exec` itself cannot kill what it started.
 */
const MARKER_VAR = 'NX_BAKE_EXEC_MARKER';

/**
 * Kills the processes carrying the marker, plus their descendants (sudo and friends reset the environment).
 * Plain POSIX sh reading /proc, so it works in any image with a shell. Two rounds catch late forks.
 */
const KILL_SCRIPT = `
m="${MARKER_VAR}=$1"
for round in 1 2; do
  pids=" "
  for p in /proc/[0-9]*; do
    tr '\\000' '\\n' < "$p/environ" 2>/dev/null | grep -qxF "$m" && pids="$pids\${p#/proc/} "
  done
  [ "$pids" = " " ] && exit 0
  grew=1
  while [ $grew = 1 ]; do
    grew=0
    for p in /proc/[0-9]*; do
      pid=\${p#/proc/}
      case "$pids" in *" $pid "*) continue ;; esac
      ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "$p/status" 2>/dev/null)
      case "$pids" in *" $ppid "*) pids="$pids$pid "; grew=1 ;; esac
    done
  done
  kill -9 $pids 2>/dev/null
done
exit 0
`;

export interface DockerExecCommunicatorOptions {
  /** Environment every command gets (the builder's `env`), under the per-call `env`. */
  env?: Record<string, string>;
  /** User commands run as (`docker exec --user`); files are always written as root, like `docker cp`. */
  user?: string;
}

/** A Communicator over the Docker Engine API: `docker exec` for commands, archive PUT/GET for files. */
export class DockerExecCommunicator implements Communicator {
  private readonly container: Docker.Container;

  constructor(
    private readonly docker: Docker,
    readonly containerId: string,
    private readonly options: DockerExecCommunicatorOptions = {},
  ) {
    this.container = docker.getContainer(containerId);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) throw new CommandInterrupted('command aborted', 'AbortError');
    const marker = randomUUID();
    const withStdin = options.stdin !== undefined;
    const exec = await this.container.exec({
      Cmd: ['/bin/sh', '-c', command],
      Env: envList({ ...this.options.env, ...options.env, [MARKER_VAR]: marker }),
      User: this.options.user,
      AttachStdin: withStdin,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = (await exec.start({ hijack: true, stdin: withStdin })) as NodeJS.ReadWriteStream & { destroy(): void };
    const done = this.demux(stream, options);
    if (withStdin) writeStdin(stream, options.stdin!);
    try {
      await interruptible(done, options.signal, options.timeoutMs);
    } catch (error) {
      stream.destroy();
      if (!(error instanceof CommandInterrupted)) return { exitCode: null, signal: 'disconnected' };
      await this.killByMarker(marker);
      throw error;
    }
    return exitStatus(exec);
  }

  async upload(source: Buffer | Readable, remotePath: string, options: { mode?: number; signal?: AbortSignal } = {}): Promise<void> {
    // A tar header needs the size up front, so a stream is read whole first.
    const data = Buffer.isBuffer(source) ? source : await readAll(source);
    const dir = posix.dirname(remotePath);
    await this.ensureDir(dir, options.signal);
    await this.putArchive(singleFileTar(posix.basename(remotePath), data, options.mode ?? 0o644), dir, options.signal);
  }

  async uploadDirectory(localDir: string, remoteDir: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.ensureDir(remoteDir, options.signal);
    // Packing the top-level names (not '.') keeps the archive from resetting remoteDir's own mode and owner.
    const entries = (await readdir(localDir)).sort();
    const archive = tarFs.pack(localDir, { entries, map: (header) => ({ ...header, uid: 0, gid: 0 }) });
    await this.putArchive(archive, remoteDir, options.signal);
  }

  async download(remotePath: string, localPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    const target = resolve(localPath);
    const archive = (await this.container.getArchive({ path: remotePath, abortSignal: options.signal })) as NodeJS.ReadableStream;
    await mkdir(dirname(target), { recursive: true });
    // The archive's top entry is named after the remote file or folder; rename it to the local target.
    const rename = (name: string) => [basename(target), ...name.split('/').slice(1)].join('/');
    const extract = tarFs.extract(dirname(target), {
      map: (header) => {
        header.name = rename(header.name);
        const link = header as typeof header & { linkname?: string };
        if (header.type === 'link' && link.linkname) link.linkname = rename(link.linkname);
        return header;
      },
      chown: false,
    } as tarFs.ExtractOptions);
    await pipeline(archive, extract, { signal: options.signal });
  }

  ansibleTarget(): AnsibleTarget {
    const inventoryVars: Record<string, string> = {
      ansible_connection: 'community.docker.docker',
      ansible_host: this.containerId,
      ansible_python_interpreter: '/usr/bin/python3',
    };
    if (this.options.user) inventoryVars.ansible_user = this.options.user;
    return { inventoryVars };
  }

  async close(): Promise<void> {
    // Nothing to release: every exec and archive call is its own request.
  }

  private demux(stream: NodeJS.ReadWriteStream, options: ExecOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.modem.demuxStream(stream, sink(options.onStdout), sink(options.onStderr));
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  }

  private async ensureDir(dir: string, signal?: AbortSignal): Promise<void> {
    await this.runAsRoot(`mkdir -p -- ${shellQuote(dir)}`, signal);
  }

  private async putArchive(archive: Readable | Buffer, remoteDir: string, signal?: AbortSignal): Promise<void> {
    // A failing local read must fail the request too, or the chunked PUT would wait forever.
    const request = new AbortController();
    const onAbort = () => request.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let readError: unknown;
    if (!Buffer.isBuffer(archive)) {
      archive.once('error', (error) => {
        readError = error;
        request.abort(error);
      });
    }
    try {
      await this.container.putArchive(archive, { path: remoteDir, abortSignal: request.signal });
    } catch (error) {
      throw readError ?? error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Internal housekeeping command; fails with its stderr. */
  private async runAsRoot(command: string, signal?: AbortSignal, args: string[] = []): Promise<void> {
    const exec = await this.container.exec({ Cmd: ['/bin/sh', '-c', command, 'sh', ...args], User: '0', AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadWriteStream & { destroy(): void };
    const stderr: Buffer[] = [];
    try {
      await interruptible(this.demux(stream, { onStderr: (chunk) => stderr.push(chunk) }), signal, 30_000);
    } finally {
      stream.destroy();
    }
    const { exitCode } = await exitStatus(exec);
    if (exitCode !== 0) throw new Error(`\`${command}\` failed (exit ${exitCode}): ${Buffer.concat(stderr).toString().trim()}`);
  }

  private async killByMarker(marker: string): Promise<void> {
    try {
      await this.runAsRoot(KILL_SCRIPT, undefined, [marker]);
    } catch {
      // Best effort: the container may be gone already, which ends the command just as well.
    }
  }
}

/** An abort or timeout of a running command (its processes have been killed by the time callers see it). */
export class CommandInterrupted extends Error {
  constructor(message: string, name: 'AbortError' | 'TimeoutError') {
    super(message);
    this.name = name;
  }
}

function interruptible(work: Promise<void>, signal?: AbortSignal, timeoutMs?: number): Promise<void> {
  if (!signal && !timeoutMs) return work;
  return new Promise((resolve, reject) => {
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => finish(() => reject(new CommandInterrupted('command aborted', 'AbortError')));
    const timer = timeoutMs ? setTimeout(() => finish(() => reject(new CommandInterrupted(`command timed out after ${timeoutMs} ms`, 'TimeoutError'))), timeoutMs) : undefined;
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => finish(resolve),
      (error) => finish(() => reject(error)),
    );
  });
}

/** The exit code, once the engine has recorded it (the stream can end a moment before). */
async function exitStatus(exec: Docker.Exec): Promise<ExecResult> {
  for (let attempt = 0; attempt < 100; attempt++) {
    let info: Docker.ExecInspectInfo;
    try {
      info = await exec.inspect();
    } catch {
      return { exitCode: null, signal: 'disconnected' };
    }
    if (!info.Running) return info.ExitCode === null ? { exitCode: null, signal: 'disconnected' } : { exitCode: info.ExitCode };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { exitCode: null, signal: 'disconnected' };
}

function writeStdin(stream: NodeJS.WritableStream, stdin: Buffer | string | Readable): void {
  // Ending our side half-closes the connection, which the engine turns into EOF on the command's stdin.
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) stream.end(stdin);
  else stdin.pipe(stream);
}

function sink(handler?: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      handler?.(chunk);
      callback();
    },
  });
}

function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A one-entry archive, through tar-fs's `finish` hook (an empty pack we add the entry to). */
function singleFileTar(name: string, data: Buffer, mode: number): Readable {
  return tarFs.pack('/', {
    entries: [],
    finalize: false,
    finish(pack) {
      pack.entry({ name, size: data.length, mode, mtime: new Date(), uid: 0, gid: 0, type: 'file' }, data);
      pack.finalize();
    },
  });
}
