import { hostname } from 'node:os';

/**
 * Whether the process that wrote a record (a run journal, a stage lock) still runs: undefined when it ran on
 * another machine, where this one cannot tell.
 */
export function isProcessAlive(owner: { host: string; pid: number }): boolean | undefined {
  if (owner.host !== hostname()) return undefined;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
