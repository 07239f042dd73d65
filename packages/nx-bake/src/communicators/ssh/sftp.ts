import { createWriteStream } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client, SFTPWrapper, Stats } from 'ssh2';

/** SFTP status code for a missing path. */
const NO_SUCH_FILE = 2;

/** Opens the SFTP subsystem on a connection. */
export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    try {
      client.sftp((error, sftp) => (error ? reject(new Error(`cannot start SFTP on the instance: ${error.message}`)) : resolve(sftp)));
    } catch (error) {
      reject(error);
    }
  });
}

function call<T>(run: (callback: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}

export function sftpStat(sftp: SFTPWrapper, path: string): Promise<Stats> {
  return call<Stats>((callback) => sftp.stat(path, callback));
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === NO_SUCH_FILE;
}

/** `mkdir -p` over SFTP. */
export async function sftpMkdirP(sftp: SFTPWrapper, dir: string): Promise<void> {
  const path = posix.normalize(dir);
  if (path === '/' || path === '.') return;
  try {
    const stats = await sftpStat(sftp, path);
    if (stats.isDirectory()) return;
    throw new Error(`${path} exists on the instance and is not a folder`);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  await sftpMkdirP(sftp, posix.dirname(path));
  try {
    await call<void>((callback) => sftp.mkdir(path, callback));
  } catch (error) {
    // Made meanwhile by someone else is fine.
    const stats = await sftpStat(sftp, path).catch(() => undefined);
    if (!stats?.isDirectory()) throw new Error(`cannot create ${path} on the instance: ${(error as Error).message}`);
  }
}

/** Bytes per SFTP WRITE request: within every server's limit (ssh2 assumes 34,000 until told otherwise). */
const WRITE_CHUNK = 32 * 1024;
/** WRITE requests awaiting their status at once: 64 × 32 KB, about one channel window (as ssh2's fastPut). */
const WRITES_IN_FLIGHT = 64;

/**
 * Writes bytes to a remote file (parents created), then sets its mode (the remote umask applies on create).
 * Several WRITE requests are kept in flight: ssh2's `createWriteStream` waits for each one's status before
 * sending the next, which over a real link (and on loopback, with delayed ACKs) makes a 500 MB upload take
 * minutes; `fastPut` pipelines like this but only reads from a local path, and `upload` takes any stream.
 */
export async function sftpWriteFile(sftp: SFTPWrapper, source: Buffer | Readable, remotePath: string, mode: number, signal?: AbortSignal): Promise<void> {
  await sftpMkdirP(sftp, posix.dirname(remotePath));
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  signal?.throwIfAborted();
  const handle = await call<Buffer>((callback) => sftp.open(remotePath, 'w', { mode }, callback));
  let inFlight = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const settled = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const onAbort = () => {
    failure ??= signal?.reason instanceof Error ? signal.reason : new Error('aborted');
    input.destroy();
    settled();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const waitBelow = async (limit: number) => {
    while (inFlight > limit && !failure) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    let position = 0;
    for await (const chunk of input) {
      const bytes: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      for (let offset = 0; offset < bytes.length; offset += WRITE_CHUNK) {
        await waitBelow(WRITES_IN_FLIGHT - 1);
        if (failure) throw failure;
        const length = Math.min(WRITE_CHUNK, bytes.length - offset);
        inFlight++;
        sftp.write(handle, bytes, offset, length, position, (error) => {
          inFlight--;
          if (error) failure ??= error;
          settled();
        });
        position += length;
      }
    }
    await waitBelow(0);
    if (failure) throw failure;
  } catch (error) {
    input.destroy();
    // Not waited for: replies still due only decrement the count, and a dead connection sends none.
    sftp.close(handle, () => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  await call<void>((callback) => sftp.close(handle, callback));
  await call<void>((callback) => sftp.chmod(remotePath, mode, callback));
}

/** Copies a remote file to a local path (parents created), keeping its permission bits. */
export async function sftpReadFile(sftp: SFTPWrapper, remotePath: string, localPath: string, mode: number, signal?: AbortSignal): Promise<void> {
  await mkdir(dirname(localPath), { recursive: true });
  const input = sftp.createReadStream(remotePath);
  await pipeline(input, createWriteStream(localPath, { mode: mode & 0o7777 }), ...(signal ? [{ signal }] : []));
  await chmod(localPath, mode & 0o7777);
}
