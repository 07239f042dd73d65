import { spawn, spawnSync } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import * as tarFs from 'tar-fs';

let nativeTar: boolean | undefined;

/** Whether a `tar` program is on PATH (GNU tar and bsdtar both take the arguments used here). */
function hasNativeTar(): boolean {
  nativeTar ??= spawnSync('tar', ['--version'], { stdio: 'ignore' }).status === 0;
  return nativeTar;
}

/**
 * A tar stream of the top-level `entries` of `dir`. The local `tar` program when there is one: tar-fs packs
 * in JavaScript on the thread that also encrypts the SSH stream, which made a 2,000-file, 50 MB upload
 * about twice as slow as `tar | ssh`. tar-fs otherwise (and for an empty folder, which tar refuses).
 * Ownership is not carried: the remote side extracts with `-o`. A tar that fails ends the stream with its
 * error; destroying the stream stops tar.
 */
export function packDirectory(dir: string, entries: string[]): Readable {
  if (!entries.length || !hasNativeTar()) return tarFs.pack(dir, { entries, map: (header) => ({ ...header, uid: 0, gid: 0 }) });
  // Room for tar to run ahead of the SSH window (a 16 KB buffer stalls it on every chunk).
  const output = new PassThrough({ highWaterMark: 1024 * 1024 });
  const child = spawn('tar', ['-c', '-f', '-', '-C', dir, '--', ...entries], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdout.pipe(output, { end: false });
  child.once('error', (error) => output.destroy(error));
  child.once('close', (code, signal) => {
    if (code === 0) output.end();
    else output.destroy(new Error(`tar -c of ${dir} ${code === null ? `ended by ${signal}` : `exited ${code}`}: ${Buffer.concat(stderr).toString().trim()}`));
  });
  output.once('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return output;
}
