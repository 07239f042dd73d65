import type { ChildProcess } from 'node:child_process';
import type { TestWorkspace } from './workspace';

/**
 * A bake started as a shell would start it (its own process group), watched line by line: tests wait for
 * a step's line in the plain (non-TTY) output, then signal it like Ctrl-C (the whole group) or a CI
 * runner's cancel, and wait until every process of the group is gone.
 */
export interface BakeProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when `marker` appears in stdout+stderr; rejects if the bake exits first or `timeoutMs` passes. */
  waitFor(marker: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code of nx (signals as 128+n). */
  exited: Promise<number>;
  /** Signals the whole process group, as a terminal's Ctrl-C (SIGINT) or `kill -TERM -pgid` does. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when no process of the bake's group is left; rejects after `timeoutMs`. */
  groupGone(timeoutMs: number): Promise<void>;
  /** Waits for `marker`, signals the group, and waits (at most `boundMs`) until it is gone: the exit code and how long that took. */
  interruptAt(marker: RegExp, signal: NodeJS.Signals, boundMs: number): Promise<{ code: number; elapsedMs: number }>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGHUP: 1 };

export function startBake(workspace: TestWorkspace, args: string[], env: NodeJS.ProcessEnv): BakeProcess {
  const child = workspace.spawnNx(args, { env });
  let output = '';
  const waiters: { marker: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.marker.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0))));
  let done = false;
  void exited.then(() => (done = true));
  const pgid = child.pid!;
  return {
    child,
    output: () => output,
    exited,
    waitFor(marker, timeoutMs = 180_000) {
      if (marker.test(output)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${marker} within ${timeoutMs} ms; output:\n${output.slice(-4000)}`)), timeoutMs);
        waiters.push({ marker, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then((code) => {
          clearTimeout(timer);
          if (!marker.test(output)) reject(new Error(`the bake exited (${code}) before ${marker}; output:\n${output.slice(-4000)}`));
        });
      });
    },
    signal(signal) {
      process.kill(-pgid, signal);
    },
    async groupGone(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          process.kill(-pgid, 0);
        } catch {
          if (done) return;
        }
        if (Date.now() > deadline) {
          process.kill(-pgid, 'SIGKILL');
          throw new Error(`processes of the bake were still running ${timeoutMs} ms after the signal; output:\n${output.slice(-4000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async interruptAt(marker, signal, boundMs) {
      await this.waitFor(marker);
      this.signal(signal);
      const signalled = Date.now();
      await this.groupGone(boundMs);
      return { code: await exited, elapsedMs: Date.now() - signalled };
    },
  };
}
