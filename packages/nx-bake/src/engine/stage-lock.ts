import Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Artifact, ArtifactQuery } from '../builders/builder';
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
 *   to the nanosecond; DigitalOcean snapshots are not deduplicated across clones (yet).
 */

const POLL_MS = 500;
/** A lock folder without an owner file yet is being made; older than this it is a crash's leftover. */
const OWNERLESS_GRACE_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export function stageLockDir(workspaceRoot: string, pipelineFile: string, stage: string): string {
  const key = createHash('sha256').update(`${pipelineFile}\0${stage}`).digest('hex').slice(0, 16);
  return join(workspaceRoot, '.nx', 'nx-bake', 'locks', `${stage.replace(/[^a-zA-Z0-9_-]/g, '_')}-${key}.lock`);
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
  if (owner.host !== hostname()) return false; // another machine's bake: cannot tell, so wait
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * After a build: if the provider holds an older artifact of the same stage and fingerprint (a bake in
 * another clone finished first), this build's artifact is removed and the older one adopted.
 */
export async function keepOldestArtifact(
  built: Artifact,
  query: ArtifactQuery,
  /** When this bake started: older artifacts of the fingerprint were there before it (--force, or a revoked one), not racing it. */
  since: Date,
  adopt: (query: ArtifactQuery) => Promise<Artifact | undefined>,
  say: (message: string) => void,
  docker: Docker = new Docker(),
): Promise<Artifact> {
  if (built.builderType !== 'docker') return built;
  const labels = [`nx-bake.pipeline=${query.pipeline}`, `nx-bake.stage=${query.stage}`, `nx-bake.fingerprint=${query.fingerprint}`];
  const listed = await docker.listImages({ filters: { label: labels } });
  if (listed.length < 2) return built;
  const inspected = await Promise.all(listed.map((image) => docker.getImage(image.Id).inspect().catch(() => undefined)));
  const oldest = inspected
    .filter((image): image is Docker.ImageInspectInfo => image !== undefined && Date.parse(image.Created) >= since.getTime())
    .sort((a, b) => timeKey(a.Created).localeCompare(timeKey(b.Created)) || a.Id.localeCompare(b.Id))[0];
  if (!oldest || oldest.Id === built.id) return built;
  say(`${built.builderName}: another bake already built ${oldest.Id} with fingerprint ${query.fingerprint}; removing this build's ${built.id} and adopting it`);
  await docker.getImage(built.id).remove({ force: true });
  const adopted = await adopt(query);
  if (!adopted) throw new Error(`the artifact ${oldest.Id} of the other bake disappeared while this bake adopted it`);
  return adopted;
}

/** `Created` is RFC 3339 in UTC with up to nine fraction digits: a key that sorts as the time does. */
function timeKey(created: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(created);
  if (!match) return created;
  return `${new Date(`${match[1]}Z`).toISOString().slice(0, 19)}.${(match[2] ?? '').padEnd(9, '0')}`;
}

/** Removes the locks of bakes that are gone (a SIGKILL leaves its lock); returns their paths. */
export function removeStaleStageLocks(workspaceRoot: string): string[] {
  const locks = join(workspaceRoot, '.nx', 'nx-bake', 'locks');
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
