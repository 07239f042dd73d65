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

/** Writes bytes to a remote file (parents created), then sets its mode (the remote umask applies on create). */
export async function sftpWriteFile(sftp: SFTPWrapper, source: Buffer | Readable, remotePath: string, mode: number, signal?: AbortSignal): Promise<void> {
  await sftpMkdirP(sftp, posix.dirname(remotePath));
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const output = sftp.createWriteStream(remotePath, { mode, flags: 'w' });
  await pipeline(input, output, ...(signal ? [{ signal }] : []));
  await call<void>((callback) => sftp.chmod(remotePath, mode, callback));
}

/** Copies a remote file to a local path (parents created), keeping its permission bits. */
export async function sftpReadFile(sftp: SFTPWrapper, remotePath: string, localPath: string, mode: number, signal?: AbortSignal): Promise<void> {
  await mkdir(dirname(localPath), { recursive: true });
  const input = sftp.createReadStream(remotePath);
  await pipeline(input, createWriteStream(localPath, { mode: mode & 0o7777 }), ...(signal ? [{ signal }] : []));
  await chmod(localPath, mode & 0o7777);
}
