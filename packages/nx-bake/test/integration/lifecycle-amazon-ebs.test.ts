import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startFakeEc2, type FakeEc2 } from '../../../fake-ec2/src';
import { ec2Pipeline } from '../support/ec2-pipeline';
import { ec2Env, ec2Leaks, ownAmis, regionState } from '../support/fake-ec2-fixture';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/**
 * Retention, channels and revocation with the amazon-ebs builder, against the fake EC2: three bakes of one
 * stage, a channel promoted at the first; gc keeps the newest AMI and the channel's and deregisters the other
 * with its snapshot; a revoked AMI cannot be promoted and the next bake replaces it.
 */
describe('image lifecycle with the amazon-ebs builder', () => {
  let fake: FakeEc2;
  let workspace: TestWorkspace;
  const amis: string[] = [];

  const run = (args: string[], version = '1') => workspace.nxAsync([...args, '--output-style=static'], { env: ec2Env(fake, { BAKE_VAR_version: version }) });
  const manifest = () => JSON.parse(readFileSync(join(workspace.root, 'dist/images/ec2lc/only/manifest.json'), 'utf8'));
  const channels = () => parse(readFileSync(join(workspace.root, 'pipelines/ec2lc/channels.yaml'), 'utf8')).channels;
  const amiIds = () => ownAmis(fake, 'us-east-1').map((image) => `us-east-1:${image.ImageId}`);

  beforeAll(async () => {
    fake = await startFakeEc2({ statusDelayMs: 200, imageDelayMs: 200 });
    workspace = createWorkspace({
      name: 'lifecycle-ec2',
      files: {
        'pipelines/ec2lc/pipeline.yaml': ec2Pipeline({
          name: 'ec2lc',
          sshPort: fake.sshPort,
          variables: 'version: { type: string, default: "0" }',
          provisioners: '      - { type: shell, inline: ["echo {{ var.version }} > /etc/web-version"] }',
        }).replace('    from: { image: debian-12 }', '    from: { image: debian-12 }\n    retain: { count: 1 }'),
        'pipelines/ec2lc/only/README.md': 'only\n',
      },
    });
    for (const version of ['1', '2', '3']) {
      const bake = await run(['run', 'ec2lc:bake'], version);
      if (bake.status !== 0) throw new Error(`bake ${version} failed:\n${bake.output.slice(-4000)}`);
      amis.push(manifest().builds[0].artifact_id);
      if (version === '1') expect((await run(['run', 'ec2lc:promote', '--stage=only', '--channel=production'])).status).toBe(0);
    }
  });

  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });

  it('keeps the newest AMI and the one the channel points at, and deregisters the other with its snapshot', async () => {
    expect(new Set(amis).size).toBe(3);
    expect(amiIds().sort()).toEqual([...amis].sort());
    expect(channels().only.production.current.artifacts).toEqual({ aws: amis[0] });
    const snapshotsBefore = regionState(fake, 'us-east-1').snapshots.length;

    const dry = await run(['run', 'ec2lc:gc']);
    expect(dry.stdout).toContain('would delete 1 of 3 artifacts');
    expect(amiIds()).toHaveLength(3);

    const applied = await run(['run', 'ec2lc:gc', '--apply']);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain(`only ${amis[1]}`);
    expect(amiIds().sort()).toEqual([amis[0], amis[2]].sort());
    expect(regionState(fake, 'us-east-1').snapshots).toHaveLength(snapshotsBefore - 1);
    expect(await ec2Leaks(fake, { allowAmis: 2 })).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('reports the channel out of date against the newer AMI', async () => {
    const report = await run(['run', 'ec2lc:channels']);
    expect(report.stdout).toContain(`ec2lc/only production: aws ${amis[0]}`);
    expect(report.stdout).toContain(`a newer build of ec2lc/only: aws ${amis[2]}`);
  });

  it('a revoked AMI cannot be promoted, and the next bake replaces it', async () => {
    const revoked = await run(['run', 'ec2lc:revoke', `--artifact=${amis[2]}`, '--reason=CVE-2026-0002']);
    expect(revoked.status).toBe(0);
    const promotion = await run(['run', 'ec2lc:promote', '--stage=only', '--channel=production']);
    expect(promotion.status).not.toBe(0);
    expect(promotion.output).toContain(`cannot point at it: ${amis[2]} was revoked`);

    const rebake = await run(['run', 'ec2lc:bake'], '3');
    expect(rebake.status).toBe(0);
    expect(rebake.output).toContain(`the recorded artifact ${amis[2]} is revoked`);
    const replacement = manifest().builds[0].artifact_id;
    expect(replacement).toMatch(/^us-east-1:ami-/);
    expect(replacement).not.toBe(amis[2]);
    expect(amiIds()).toContain(replacement);
  });
});
