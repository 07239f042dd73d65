import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/**
 * Retention and channels with the DigitalOcean builder, against the fake cloud: three bakes of one stage,
 * a channel promoted at the first, then gc keeps the newest and the channel's snapshot and deletes the rest.
 */
describe('image lifecycle with the DigitalOcean builder', () => {
  const token = `dop_v1_lifecycle_${randomUUID().replace(/-/g, '')}`;
  let fake: FakeDigitalOcean;
  let workspace: TestWorkspace;
  const snapshots: string[] = [];

  const env = (version: string) => ({ DIGITALOCEAN_API_URL: fake.url, BAKE_VAR_token: token, BAKE_VAR_version: version });
  const run = (args: string[], version = '1') => workspace.nxAsync([...args, '--output-style=static'], { env: env(version) });
  const manifest = () => JSON.parse(readFileSync(join(workspace.root, 'dist/images/dolc/web/manifest.json'), 'utf8'));
  const snapshotIds = () => fake.state().snapshots.map((snapshot) => `nyc3:${snapshot.id}`);

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [token], activeDelayMs: 200, actionDelayMs: 100 });
    workspace = createWorkspace({
      name: 'nx-bake-lifecycle-do',
      files: {
        'dolc/pipeline.yaml': `name: dolc
variables:
  token: { type: string, sensitive: true }
  version: { type: string, default: "0" }
builders:
  cloud: { type: digitalocean, api_token: "{{ var.token }}", region: nyc3, size: s-1vcpu-1gb, poll_interval: 200ms }
stages:
  - name: web
    from: { image: debian-12-x64 }
    retain: { count: 1 }
    provisioners:
      - { type: shell, inline: ["echo {{ var.version }} > /etc/web-version"] }
`,
        'dolc/web/README.md': 'web\n',
      },
    });
    for (const version of ['1', '2', '3']) {
      const bake = await run(['run', 'dolc:bake'], version);
      if (bake.status !== 0) throw new Error(`bake ${version} failed:\n${bake.output.slice(-4000)}`);
      snapshots.push(manifest().builds[0].artifact_id);
      if (version === '1') expect((await run(['run', 'dolc:promote', '--stage=web', '--channel=production'])).status).toBe(0);
    }
  });

  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });

  it('keeps the newest snapshot and the one the channel points at, and deletes the others', async () => {
    expect(new Set(snapshots).size).toBe(3);
    expect(snapshotIds().sort()).toEqual([...snapshots].sort());
    const channel = parse(readFileSync(join(workspace.root, 'dolc/channels.yaml'), 'utf8')).channels.web.production;
    expect(channel.current.artifacts).toEqual({ cloud: snapshots[0] });
    expect(channel.current.lineage).toEqual([{ ref: 'debian-12-x64', kind: 'image', artifacts: { cloud: 'debian-12-x64' } }]);

    const dry = await run(['run', 'dolc:gc']);
    expect(dry.stdout).toContain('would delete 1 of 3 artifacts');
    expect(snapshotIds()).toHaveLength(3);

    const applied = await run(['run', 'dolc:gc', '--apply']);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain(`web ${snapshots[1]}`);
    expect(snapshotIds().sort()).toEqual([snapshots[0], snapshots[2]].sort());
    expect(applied.output).not.toContain(token);
    expect(fake.violations()).toEqual([]);
  });

  it('reports the channel out of date against the newer build', async () => {
    const channels = await run(['run', 'dolc:channels']);
    expect(channels.stdout).toContain(`dolc/web production: cloud ${snapshots[0]}`);
    expect(channels.stdout).toContain(`a newer build of dolc/web: cloud ${snapshots[2]}`);
  });
});
