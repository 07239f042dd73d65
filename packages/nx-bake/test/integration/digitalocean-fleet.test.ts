import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { startFakeNxCache, type FakeNxCache } from '../../../fake-nx-cache/src';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/**
 * Two clones of the example on two runners sharing one (fake) DigitalOcean account and Nx's remote cache:
 * runner B builds nothing — with the remote cache Nx restores every stage, and without it (a cache that was
 * cleared) B adopts every snapshot by its fingerprint tag. A build would create a droplet and a snapshot.
 */
describe('DigitalOcean on two runners (fake cloud and remote cache shared)', () => {
  const token = `dop_v1_fleet_${randomUUID().replace(/-/g, '')}`;
  const cacheToken = `nx-cache-${randomUUID()}`;
  const repository = `nx-bake-e2e/do-fleet-${randomUUID().slice(0, 8)}`;
  let fake: FakeDigitalOcean;
  let cache: FakeNxCache;
  let origin: TestWorkspace;
  const clones: TestWorkspace[] = [];
  const env = () => ({
    DIGITALOCEAN_API_URL: fake.url,
    BAKE_VAR_do_token: token,
    BAKE_VAR_repository: repository,
    // Each runner its own Nx cache (Nx 24 otherwise shares one among a repository's checkouts on a machine).
    NX_CACHE_DIRECTORY: '.nx/cache',
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: cacheToken,
  });
  const clone = (name: string) => {
    const workspace = createWorkspace({ cloneOf: origin.root, name });
    clones.push(workspace);
    return workspace;
  };
  const bake = async (workspace: TestWorkspace, extra: string[] = []) => {
    const result = await workspace.nxAsync(['run', 'images:bake', '--only=cloud', '--output-style=static', ...extra], { env: env() });
    if (result.status !== 0) throw new Error(`bake failed:\n${result.output.slice(-8000)}`);
    return result;
  };
  const summary = (stdout: string) =>
    Object.fromEntries(
      stdout
        .slice(stdout.lastIndexOf('\nnx-bake summary\n'))
        .split('\n')
        .map((line) => /^ {2}(\S+): (built|adopted|cached|failed)(?: \((.*)\))?$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1], (match[3] ?? '').startsWith('Nx ') ? 'nx-cache' : match[2]]),
    );
  const manifestOf = (workspace: TestWorkspace, stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8'));
  const stages = ['images/os-base', 'images/app-base', 'images/app'];

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [token], activeDelayMs: 300, actionDelayMs: 100 });
    cache = await startFakeNxCache({ tokens: [cacheToken] });
    origin = createWorkspace({ copy: ['pipelines', 'apps'], name: 'do-fleet-origin' });
    const a = clone('do-fleet-a');
    const first = await bake(a);
    expect(summary(first.stdout)).toEqual(Object.fromEntries(stages.map((stage) => [stage, 'built'])));
  });

  afterAll(async () => {
    await fake?.stop();
    await cache?.stop();
    for (const workspace of [...clones, origin]) workspace?.remove();
  });

  it('runner B with the remote cache: every stage restored by Nx, no droplet or snapshot made', async () => {
    const before = fake.state().snapshots.length;
    const b = clone('do-fleet-b');
    const run = await bake(b);
    expect(summary(run.stdout)).toEqual(Object.fromEntries(stages.map((stage) => [stage, 'nx-cache'])));
    expect(fake.state().snapshots.length).toBe(before);
    expect(fake.state().droplets).toEqual([]);
    expect(manifestOf(b, 'app')).toEqual(manifestOf(clones[0], 'app'));
  });

  it('runner B without a cache hit: every snapshot adopted by fingerprint, nothing built', async () => {
    const before = fake.state().snapshots.length;
    const b = clone('do-fleet-b2');
    const run = await bake(b, ['--skip-nx-cache']);
    expect(summary(run.stdout)).toEqual(Object.fromEntries(stages.map((stage) => [stage, 'adopted'])));
    expect(fake.state().snapshots.length).toBe(before);
    for (const stage of ['os-base', 'app-base', 'app']) expect(manifestOf(b, stage).builds[0].artifact_id).toBe(manifestOf(clones[0], stage).builds[0].artifact_id);
  });

  it('spoke both contracts as specified', () => {
    expect(fake.violations()).toEqual([]);
    expect(cache.violations()).toEqual([]);
  });
});
