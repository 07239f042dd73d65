import { readFile, stat } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import type { FileProvisionerConfig } from '../pipeline/types';
import type { Provisioner, ProvisionerContext } from './provisioner';

/**
 * Packer's file provisioner. A directory `source` ending in `/` uploads its contents into `destination`;
 * without the slash the directory itself lands in `destination`. A file goes to `destination`, or into it
 * when `destination` ends in `/` (or there are several sources). Local paths resolve against the pipeline folder.
 */
export const fileProvisioner: Provisioner<FileProvisionerConfig> = async (config, context) => {
  if (!config.destination) throw new Error('file provisioner: "destination" is required');
  const given = [config.source, config.sources, config.content].filter((value) => value !== undefined);
  if (given.length !== 1) throw new Error('file provisioner: exactly one of "source", "sources" or "content" is required');
  if (config.direction === 'download') return download(config, context);
  if (config.content !== undefined) return uploadContent(config.content, config.destination, context);
  const sources = config.source !== undefined ? [config.source] : config.sources!;
  const intoDirectory = config.destination.endsWith('/') || sources.length > 1;
  for (const source of sources) await uploadSource(source, config.destination, intoDirectory, context);
};

async function uploadContent(content: string, destination: string, { communicator, log, signal }: ProvisionerContext): Promise<void> {
  if (destination.endsWith('/')) throw new Error('file provisioner: "content" needs a file path as destination, not a folder');
  log.info(`file: writing content to ${destination}`);
  await communicator.upload(Buffer.from(content), destination, { mode: 0o644, signal });
}

async function uploadSource(source: string, destination: string, intoDirectory: boolean, context: ProvisionerContext): Promise<void> {
  const { communicator, log, signal } = context;
  const local = resolve(context.pipelineDir, source);
  const info = await stat(local).catch(() => {
    throw new Error(`file provisioner: source ${source} does not exist (looked at ${local})`);
  });
  if (info.isDirectory()) {
    const target = source.endsWith('/') ? destination : posix.join(destination, basename(local));
    log.info(`file: uploading folder ${source} to ${target}`);
    await communicator.uploadDirectory(local, target, { signal });
    return;
  }
  const target = intoDirectory ? posix.join(destination, basename(local)) : destination;
  log.info(`file: uploading ${source} to ${target}`);
  await communicator.upload(await readFile(local), target, { mode: info.mode & 0o7777, signal });
}

async function download(config: FileProvisionerConfig, context: ProvisionerContext): Promise<void> {
  if (config.content !== undefined) throw new Error('file provisioner: "content" cannot be downloaded');
  const sources = config.source !== undefined ? [config.source] : config.sources!;
  const intoDirectory = config.destination.endsWith('/') || sources.length > 1;
  const destination = resolve(context.pipelineDir, config.destination);
  for (const source of sources) {
    const local = intoDirectory ? join(destination, posix.basename(source)) : destination;
    context.log.info(`file: downloading ${source} to ${local}`);
    await context.communicator.download(source, local, { signal: context.signal });
  }
}
