import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { createWorkspace, type TestWorkspace } from './workspace';

/**
 * A test workspace whose bakes get a private TMPDIR (what is left there is theirs, not another test's), and
 * optionally a fake DigitalOcean cloud accepting a fresh token. Made in beforeAll, removed in afterAll; read
 * the fields inside tests and hooks.
 */
export interface BakeFixture {
  workspace: TestWorkspace;
  tmp: string;
  /** Set with `cloud: true`. */
  fake: FakeDigitalOcean;
  token: string;
  /** TMPDIR, and with a cloud its URL and the token as BAKE_VAR_token, for a bake's environment. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

export function useBakeFixture(options: { name: string; files: Record<string, string>; cloud?: boolean }): BakeFixture {
  const fixture: Pick<BakeFixture, 'token' | 'env'> & Partial<BakeFixture> = {
    token: `dop_v1_${options.name.replace(/[^a-z0-9]/gi, '')}_${randomUUID().replace(/-/g, '')}`,
    env(extra: NodeJS.ProcessEnv = {}) {
      const cloud = options.cloud ? { DIGITALOCEAN_API_URL: fixture.fake!.url, BAKE_VAR_token: fixture.token } : {};
      return { TMPDIR: fixture.tmp, ...cloud, ...extra };
    },
  };
  beforeAll(async () => {
    if (options.cloud) fixture.fake = await startFakeDigitalOcean({ tokens: [fixture.token], activeDelayMs: 300, actionDelayMs: 100 });
    fixture.workspace = createWorkspace({ name: options.name, files: options.files });
    fixture.tmp = mkdtempSync(join(tmpdir(), `${options.name}-tmp-`));
  });
  afterAll(async () => {
    await fixture.fake?.stop();
    fixture.workspace?.remove();
    if (fixture.tmp) rmSync(fixture.tmp, { recursive: true, force: true });
  });
  // Every field is set by the time a test or a later hook reads it.
  return fixture as BakeFixture;
}
