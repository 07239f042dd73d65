import { execFileSync } from 'node:child_process';

/** The workspace's HEAD commit, or `unknown` outside a git checkout. */
export function gitCommit(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}
