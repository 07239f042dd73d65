import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../util/process-alive';
import { sleep } from '../util/sleep';

/**
 * Two bakes of one stage at the same time.
 *
 * - Same workspace (two `nx run` processes, two terminals): an exclusive lock per pipeline file and stage,
 *   a folder made atomically under `.nx/nx-bake/locks/`. The second bake waits for the first, then finds
 *   its manifest current and keeps it (`cached`), or adopts its artifact: one artifact, one whole manifest.
 *   A lock whose owner process is gone (SIGKILL) is stale and taken over.
 * - Two clones sharing one provider (two CI jobs on one Docker engine): no lock reaches across workspaces,
 *   so both may build. Afterwards each build looks for other artifacts of the same stage and fingerprint;
 *   the oldest one wins, and a build whose own artifact is not the oldest removes it and adopts the winner.
 *   Creation times are ordered (an artifact that exists when the later one is checked is seen), so two
 *   racing builds never both remove theirs. Implemented for Docker images, whose creation time is precise
 *   to the nanosecond (builders/docker/duplicates.ts); DigitalOcean snapshots are not deduplicated across clones (yet).
 */

const POLL_MS = 500;
/** A lock folder without an owner file yet is being made; older than this it is a crash's leftover. */
const OWNERLESS_GRACE_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function locksDir(workspaceRoot: string): string {
  return join(workspaceRoot, '.nx', 'nx-bake', 'locks');
}

export function stageLockDir(workspaceRoot: string, pipelineFile: string, stage: string): string {
  const key = createHash('sha256').update(`${pipelineFile}\0${stage}`).digest('hex').slice(0, 16);
  return join(locksDir(workspaceRoot), `${stage.replace(/[^a-zA-Z0-9_-]/g, '_')}-${key}.lock`);
}

/** Runs `body` holding the stage's lock; waits (until `signal` aborts) while another live bake holds it. */
export async function withStageLock<T>(
  where: { workspaceRoot: string; pipelineFile: string; stage: string },
  signal: AbortSignal,
  say: (message: string) => void,
  body: () => Promise<T>,
): Promise<T> {
  const dir = stageLockDir(where.workspaceRoot, where.pipelineFile, where.stage);
  let told = false;
  while (!tryLock(dir)) {
    if (!told) {
      const owner = readOwner(dir);
      say(`waiting for another bake of stage ${where.stage}${owner ? ` (pid ${owner.pid} on ${owner.host})` : ''} to finish`);
      told = true;
    }
    await sleep(POLL_MS, signal);
  }
  try {
    return await body();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tryLock(dir: string): boolean {
  mkdirSync(join(dir, '..'), { recursive: true });
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!isStale(dir)) return false;
    // Move the stale lock aside first: of two bakes that both found it stale, only one rename succeeds.
    const aside = `${dir}.stale-${process.pid}`;
    try {
      renameSync(dir, aside);
    } catch {
      return false;
    }
    rmSync(aside, { recursive: true, force: true });
    return tryLock(dir);
  }
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeFileSync(join(dir, 'owner.json'), JSON.stringify(owner));
  return true;
}

function readOwner(dir: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isStale(dir: string): boolean {
  const owner = readOwner(dir);
  if (!owner) {
    try {
      return Date.now() - statSync(dir).mtimeMs > OWNERLESS_GRACE_MS;
    } catch {
      return false; // gone meanwhile: try again
    }
  }
  // Another machine's bake: cannot tell, so wait.
  return isProcessAlive(owner) === false;
}

/** Removes the locks of bakes that are gone (a SIGKILL leaves its lock); returns their paths. */
export function removeStaleStageLocks(workspaceRoot: string): string[] {
  const locks = locksDir(workspaceRoot);
  if (!existsSync(locks)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(locks).filter((entry) => entry.endsWith('.lock'))) {
    const dir = join(locks, name);
    if (!isStale(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}
