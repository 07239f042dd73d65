import { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ENV_NAME } from '../../pipeline/env-name';
import { shellQuote } from '../../util/shell-quote';
import type { ExecOptions, ExecResult } from '../communicator';
import { MARKER_VAR } from '../kill-script';

/**
 * The command line sent to sshd (which hands it to the login shell): the environment as `export`s — sshd
 * refuses `setenv` requests unless AcceptEnv lists the names — then the command under `/bin/sh -c`, exec'd
 * so it keeps the session's process group (sshd makes every session its own group).
 */
export function wrapCommand(command: string, env: Record<string, string>, marker?: string): string {
  const vars = { ...env, ...(marker ? { [MARKER_VAR]: marker } : {}) };
  for (const name of Object.keys(vars)) {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}`);
  }
  const assignments = Object.entries(vars).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return `${assignments.length ? `export ${assignments.join(' ')}; ` : ''}exec /bin/sh -c ${shellQuote(command)}`;
}

/** Opens an exec channel; a connection that is gone rejects. */
export function openExecChannel(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
    } catch (error) {
      reject(error);
    }
  });
}

/**
 * Streams a channel's output to the callbacks and settles with its exit status once it closes: the exit code,
 * or the signal that ended the command, or `disconnected` when the channel closed without either (the
 * connection dropped: a reboot, sshd restarting, the network).
 */
export function channelOutcome(channel: ClientChannel, options: Pick<ExecOptions, 'onStdout' | 'onStderr'>): Promise<ExecResult> {
  return new Promise((resolve) => {
    let status: ExecResult | undefined;
    channel.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
    channel.stderr.on('data', (chunk: Buffer) => options.onStderr?.(chunk));
    channel.on('exit', (code: number | null, signal?: string) => {
      status = typeof code === 'number' ? { exitCode: code } : { exitCode: null, signal: signal ?? 'disconnected' };
    });
    // A failed write after the peer went away: the close that follows settles the outcome.
    channel.on('error', () => undefined);
    channel.on('close', () => resolve(status ?? { exitCode: null, signal: 'disconnected' }));
  });
}

/** Feeds the command's standard input, then EOF; no stdin is EOF at once (like `docker exec` without -i). */
export function feedStdin(channel: ClientChannel, stdin: ExecOptions['stdin']): void {
  if (stdin === undefined) {
    channel.end();
    return;
  }
  const source = typeof stdin === 'string' || Buffer.isBuffer(stdin) ? Readable.from([Buffer.from(stdin)]) : stdin;
  source.on('error', () => channel.close());
  source.pipe(channel);
}
