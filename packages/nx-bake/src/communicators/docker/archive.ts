import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import * as tarFs from 'tar-fs';

/** Files go in and out of the container as tar archives (the engine's archive PUT/GET, as `docker cp`). */

/** Extracts an archive into `remoteDir`. A failing local read fails the request too, or the chunked PUT would wait forever. */
export async function putArchive(container: Docker.Container, archive: Readable | Buffer, remoteDir: string, signal?: AbortSignal): Promise<void> {
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
    await container.putArchive(archive, { path: remoteDir, abortSignal: request.signal });
  } catch (error) {
    throw readError ?? error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Copies a remote file or folder to `localPath`, under that name. */
export async function getArchive(container: Docker.Container, remotePath: string, localPath: string, signal?: AbortSignal): Promise<void> {
  const target = resolve(localPath);
  const archive = (await container.getArchive({ path: remotePath, abortSignal: signal })) as NodeJS.ReadableStream;
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
  await pipeline(archive, extract, { signal });
}

/**
 * A local folder's tree, owned by root as `docker cp` writes it. Packing the top-level names (not '.') keeps
 * the archive from resetting the remote folder's own mode and owner.
 */
export async function folderTar(localDir: string): Promise<Readable> {
  const entries = (await readdir(localDir)).sort();
  return tarFs.pack(localDir, { entries, map: (header) => ({ ...header, uid: 0, gid: 0 }) });
}

/** A one-entry archive, through tar-fs's `finish` hook (an empty pack we add the entry to). */
export function singleFileTar(name: string, data: Buffer, mode: number): Readable {
  return tarFs.pack('/', {
    entries: [],
    finalize: false,
    finish(pack) {
      pack.entry({ name, size: data.length, mode, mtime: new Date(), uid: 0, gid: 0, type: 'file' }, data);
      pack.finalize();
    },
  });
}

/** A tar header needs the size up front, so a stream is read whole first. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
