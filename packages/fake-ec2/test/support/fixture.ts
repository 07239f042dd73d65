import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEc2, FakeEc2Options, startFakeEc2 } from '../../src';

/** A fake started before the file's tests (and a temp folder for them), both gone after. Read them inside tests. */
export function useFake(options: FakeEc2Options): { fake: () => FakeEc2; dir: () => string } {
  let fake: FakeEc2 | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    fake = await startFakeEc2(options);
    dir = mkdtempSync(join(tmpdir(), 'fake-ec2-test-'));
  });
  afterAll(async () => {
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return { fake: () => fake!, dir: () => dir! };
}
