import { type Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { Interruption } from '../command-interruption';
import type { ExecOptions, ExecResult } from '../communicator';

export type ExecStream = NodeJS.ReadWriteStream & { destroy(): void };

/** One `docker exec`, created and started with its output stream attached (and stdin, when given). */
export async function startExec(
  container: Docker.Container,
  spec: { cmd: string[]; env?: Record<string, string>; user?: string; withStdin?: boolean },
): Promise<{ exec: Docker.Exec; stream: ExecStream }> {
  const exec = await container.exec({
    Cmd: spec.cmd,
    Env: spec.env && Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    User: spec.user,
    AttachStdin: spec.withStdin ?? false,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: spec.withStdin ?? false })) as ExecStream;
  return { exec, stream };
}

/** Splits the engine's multiplexed stream into the callbacks; settles when the command's output ends. */
export function demux(docker: Docker, stream: NodeJS.ReadWriteStream, options: Pick<ExecOptions, 'onStdout' | 'onStderr'>): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.demuxStream(stream, sink(options.onStdout), sink(options.onStderr));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
}

/** The exit code, once the engine has recorded it (the stream can end a moment before). */
export async function exitStatus(exec: Docker.Exec): Promise<ExecResult> {
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

export function writeStdin(stream: NodeJS.WritableStream, stdin: Buffer | string | Readable): void {
  // Ending our side half-closes the connection, which the engine turns into EOF on the command's stdin.
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) stream.end(stdin);
  else stdin.pipe(stream);
}

/** An internal housekeeping script (`sh -c script sh args...`) run as root, given 30 s; fails with its stderr. */
export async function runAsRoot(docker: Docker, container: Docker.Container, script: string, signal?: AbortSignal, args: string[] = []): Promise<void> {
  const { exec, stream } = await startExec(container, { cmd: ['/bin/sh', '-c', script, 'sh', ...args], user: '0' });
  const stderr: Buffer[] = [];
  const call = new Interruption(signal, 30_000);
  try {
    await call.race(demux(docker, stream, { onStderr: (chunk) => stderr.push(chunk) }));
  } finally {
    call.dispose();
    stream.destroy();
  }
  const { exitCode } = await exitStatus(exec);
  if (exitCode !== 0) throw new Error(`\`${script}\` failed (exit ${exitCode}): ${Buffer.concat(stderr).toString().trim()}`);
}

function sink(handler?: (chunk: Buffer) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      handler?.(chunk);
      callback();
    },
  });
}
