import { spawn } from 'node:child_process';
import type { StageLogger } from '../progress/stage-logger';
import { OutputTail } from './output-tail';

export interface HostCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: StageLogger;
}

/** How long a command gets to exit on SIGTERM before it is killed. */
const KILL_GRACE_MS = 3_000;

/**
 * Runs a program on the build host with its output streamed to the stage log. On abort its whole process
 * group (ansible forks workers and docker CLIs) gets SIGTERM, then SIGKILL; the call settles once it is gone.
 */
export function runHostCommand(file: string, args: string[], options: HostCommandOptions): Promise<{ exitCode: number | null; tail: OutputTail }> {
  const { signal, log } = options;
  if (signal.aborted) return Promise.reject(new Error(`${file} not started: aborted`));
  return new Promise((resolve, reject) => {
    const tail = new OutputTail();
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (how: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, how);
      } catch {
        // Already gone.
      }
    };
    const onAbort = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (log.output('stdout', chunk), tail.write('stdout', chunk)));
    child.stderr.on('data', (chunk: Buffer) => (log.output('stderr', chunk), tail.write('stderr', chunk)));
    child.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error(`could not run ${file}: ${error.message}`));
    });
    child.on('close', (exitCode) => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (signal.aborted) {
        // Workers left behind in the group (a docker exec of a running task) go too.
        killGroup('SIGKILL');
        reject(new Error(`${file} aborted`));
      } else resolve({ exitCode, tail });
    });
  });
}
