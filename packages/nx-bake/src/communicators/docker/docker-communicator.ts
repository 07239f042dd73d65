import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { shellQuote } from '../../util/shell-quote';
import { Interruption } from '../command-interruption';
import type { AnsibleTarget, AnsibleTargetOptions, Communicator, ExecOptions, ExecResult } from '../communicator';
import { KILL_SCRIPT, MARKER_VAR } from '../kill-script';
import { folderTar, getArchive, putArchive, readAll, singleFileTar } from './archive';
import { demux, exitStatus, runAsRoot, startExec, writeStdin } from './container-exec';

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
    const call = new Interruption(options.signal, options.timeoutMs);
    let exec: Docker.Exec;
    try {
      call.throwIfInterrupted();
      const marker = randomUUID();
      const withStdin = options.stdin !== undefined;
      const started = await startExec(this.container, {
        cmd: ['/bin/sh', '-c', command],
        env: { ...this.options.env, ...options.env, [MARKER_VAR]: marker },
        user: this.options.user,
        withStdin,
      });
      exec = started.exec;
      const done = demux(this.docker, started.stream, options);
      if (withStdin) writeStdin(started.stream, options.stdin!);
      try {
        await call.race(done);
      } catch (error) {
        started.stream.destroy();
        if (error !== call.interrupted) return { exitCode: null, signal: 'disconnected' };
        // `docker exec` cannot kill what it started: the marker finds its processes in the container. Best
        // effort: a container that is gone already ends the command just as well.
        await runAsRoot(this.docker, this.container, KILL_SCRIPT, undefined, [marker]).catch(() => undefined);
        throw error;
      }
    } finally {
      call.dispose();
    }
    return exitStatus(exec);
  }

  async upload(source: Buffer | Readable, remotePath: string, options: { mode?: number; signal?: AbortSignal } = {}): Promise<void> {
    const data = Buffer.isBuffer(source) ? source : await readAll(source);
    const dir = posix.dirname(remotePath);
    await this.ensureDir(dir, options.signal);
    await putArchive(this.container, singleFileTar(posix.basename(remotePath), data, options.mode ?? 0o644), dir, options.signal);
  }

  async uploadDirectory(localDir: string, remoteDir: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.ensureDir(remoteDir, options.signal);
    await putArchive(this.container, await folderTar(localDir), remoteDir, options.signal);
  }

  download(remotePath: string, localPath: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return getArchive(this.container, remotePath, localPath, options.signal);
  }

  ansibleTarget(options: AnsibleTargetOptions = {}): AnsibleTarget {
    const inventoryVars: Record<string, string> = {
      // Mitogen takes over Ansible's `docker` connection (not the collection's name for the same thing).
      ansible_connection: options.mitogen ? 'docker' : 'community.docker.docker',
      ansible_host: this.containerId,
      ansible_python_interpreter: '/usr/bin/python3',
    };
    if (this.options.user) inventoryVars.ansible_user = this.options.user;
    return { inventoryVars };
  }

  async close(): Promise<void> {
    // Nothing to release: every exec and archive call is its own request.
  }

  private ensureDir(dir: string, signal?: AbortSignal): Promise<void> {
    return runAsRoot(this.docker, this.container, `mkdir -p -- ${shellQuote(dir)}`, signal);
  }
}
