import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimBlock } from './block-claim';

const claimFile = (block: number): string => join(tmpdir(), 'fake-digitalocean-blocks', String(block));

describe('claimBlock', () => {
  it('gives a block to one fake at a time', () => {
    const first = claimBlock();
    try {
      expect(first.block).toBeGreaterThanOrEqual(1);
      expect(first.block).toBeLessThanOrEqual(254);
      expect(() => claimBlock(first.block)).toThrow(/claimed by another fake/);
      const other = claimBlock();
      other.release();
      expect(other.block).not.toBe(first.block);
    } finally {
      first.release();
    }
    const again = claimBlock(first.block);
    again.release();
    expect(existsSync(claimFile(first.block))).toBe(false);
  });

  it('takes over a claim whose process is gone', () => {
    const probe = claimBlock();
    probe.release();
    writeFileSync(claimFile(probe.block), '4194999'); // above Linux's pid_max: no such process
    const claim = claimBlock(probe.block);
    expect(claim.block).toBe(probe.block);
    claim.release();
  });
});
