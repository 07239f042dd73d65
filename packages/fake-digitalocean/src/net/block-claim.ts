import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLAIMS = join(tmpdir(), 'fake-digitalocean-blocks');

export interface BlockClaim {
  block: number;
  release(): void;
}

/**
 * Claims a 127.77.<block>.0/24 for this fake on this host, through a file per block created
 * exclusively (`wx`) and holding the owner's pid: fakes running side by side, in one process or
 * several, never hand out the same droplet address. A claim whose process is gone is taken over.
 */
export function claimBlock(wanted?: number): BlockClaim {
  mkdirSync(CLAIMS, { recursive: true });
  const candidates = wanted !== undefined ? [wanted] : shuffled(Array.from({ length: 254 }, (_, i) => i + 1));
  for (const block of candidates) {
    if (tryClaim(block)) return { block, release: () => release(block) };
  }
  throw new Error(
    wanted !== undefined
      ? `address block 127.77.${wanted}.0/24 is claimed by another fake (${join(CLAIMS, String(wanted))})`
      : `every 127.77.x.0/24 block is claimed by a running fake (${CLAIMS})`,
  );
}

function tryClaim(block: number): boolean {
  const path = join(CLAIMS, String(block));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (ownerAlive(path)) return false;
    try {
      unlinkSync(path);
    } catch {
      // another fake took it over first
    }
  }
  return false;
}

function ownerAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function release(block: number): void {
  try {
    unlinkSync(join(CLAIMS, String(block)));
  } catch {
    // already gone
  }
}

function shuffled(values: number[]): number[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}
