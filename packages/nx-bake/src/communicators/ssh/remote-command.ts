import { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ENV_NAME } from '../../pipeline/env-name';
import { shellQuote } from '../../util/shell-quote';
import type { ExecOptions, ExecResult } from '../communicator';

/**
 * Every command runs with this variable set to a fresh value, so an aborted or timed-out command's process
 * tree can be found (and killed) on the instance: closing the SSH channel does not stop what it started.
 */
export const MARKER_VAR = 'NX_BAKE_EXEC_MARKER';

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

/**
 * Kills the processes carrying the marker, the process groups they lead (sshd makes each session its own
 * group), and all their descendants (sudo and friends reset the environment). POSIX sh and awk reading /proc:
 * one `grep -z` over every environ where GNU grep is there, a loop otherwise. Two rounds catch late forks.
 */
const KILL_SCRIPT = `
m="${MARKER_VAR}=$1"
marked() {
  if printf 'x\\000' | grep -qzxF x 2>/dev/null; then
    grep -lzxF "$m" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
  else
    for p in /proc/[0-9]*; do
      tr '\\000' '\\n' < "$p/environ" 2>/dev/null | grep -qxF "$m" && echo "\${p#/proc/}"
    done
  fi
}
for round in 1 2; do
  roots=$(marked | tr '\\n' ' ')
  [ -z "$roots" ] && exit 0
  pids=$(cat /proc/[0-9]*/status 2>/dev/null | awk -v roots="$roots" '
    /^Pid:/ { pid = $2 }
    /^PPid:/ { parent[pid] = $2 }
    END {
      n = split(roots, r, " ")
      for (i = 1; i <= n; i++) doomed[r[i]] = 1
      for (grew = 1; grew; ) {
        grew = 0
        for (p in parent) if (!(p in doomed) && (parent[p] in doomed)) { doomed[p] = 1; grew = 1 }
      }
      for (p in doomed) printf "%s ", p
    }')
  groups=""
  for pid in $roots; do
    pgid=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f3)
    [ "$pgid" = "$pid" ] && groups="$groups -$pid"
  done
  [ -n "$groups" ] && kill -9 $groups 2>/dev/null
  kill -9 $pids 2>/dev/null
done
exit 0
`;

export function killCommand(marker: string): string {
  return `exec /bin/sh -c ${shellQuote(KILL_SCRIPT)} sh ${shellQuote(marker)}`;
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
