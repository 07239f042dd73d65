import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeEc2, type FakeEc2 } from '../../../fake-ec2/src';
import { ec2Pipeline } from '../support/ec2-pipeline';
import { ec2Env, ec2Leaks, ownAmis, regionState, tagsOf } from '../support/fake-ec2-fixture';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/**
 * A two-stage pipeline baked as AMIs through `nx run` against the fake EC2, whose instances are real
 * containers reached over SSH: the child starts from the parent's AMI, the manifests are Packer's, a re-bake
 * adopts by the fingerprint tag, `ami_regions` copies, `gc` deregisters, and nothing is left behind.
 */
describe('nx run <pipeline>:bake with the amazon-ebs builder (against the fake EC2)', () => {
  let fake: FakeEc2;
  let workspace: TestWorkspace;
  let first: { status: number | null; output: string };
  const run = (args: string[]) => workspace.nxAsync([...args, '--output-style=static'], { env: ec2Env(fake) });
  const manifestOf = (pipeline: string, stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipeline, stage, 'manifest.json'), 'utf8'));

  beforeAll(async () => {
    fake = await startFakeEc2({ statusDelayMs: 200, imageDelayMs: 200 });
    workspace = createWorkspace({
      name: 'amazon-ebs',
      files: {
        'pipelines/ebs/pipeline.yaml': ec2Pipeline({ name: 'ebs', sshPort: fake.sshPort, child: true, builderFields: 'tags: { team: web }\nsnapshot_tags: { backup: "no" }\nrun_tags: { purpose: build }' }),
        'pipelines/ebs/only/setup.sh': 'echo provisioned > /root/provisioned\n',
        'pipelines/ebs/child/README.md': 'child\n',
        'pipelines/ebsregions/pipeline.yaml': ec2Pipeline({ name: 'ebsregions', sshPort: fake.sshPort, builderFields: 'ami_regions: [eu-west-1]' }),
        'pipelines/ebsregions/only/setup.sh': 'echo provisioned > /root/provisioned\n',
      },
    });
    first = await run(['run', 'ebs:bake']);
  });

  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });

  it('bakes both stages into AMIs, the child from the parent\'s, with Packer\'s manifest', () => {
    if (first.status !== 0) throw new Error(`bake failed:\n${first.output.slice(-8000)}`);
    const parent = manifestOf('ebs', 'only');
    const child = manifestOf('ebs', 'child');
    for (const manifest of [parent, child]) {
      expect(manifest.builds).toEqual([
        {
          name: 'aws',
          builder_type: 'amazon-ebs',
          build_time: expect.any(Number),
          files: null,
          artifact_id: expect.stringMatching(/^us-east-1:ami-[0-9a-f]+$/),
          packer_run_uuid: expect.any(String),
          custom_data: expect.objectContaining({ region: 'us-east-1', ami_name: expect.stringMatching(/^nx-bake-ebs-/) }),
        },
      ]);
    }
    expect(parent.base).toMatchObject({ kind: 'image' });
    expect(child.base).toMatchObject({ kind: 'stage', artifacts: { aws: parent.builds[0].artifact_id } });
    expect(ownAmis(fake, 'us-east-1').find((image) => `us-east-1:${image.ImageId}` === child.builds[0].artifact_id)).toBeDefined();
  });

  it('tags each AMI and its snapshots with the stage, fingerprint, base and run', () => {
    for (const stage of ['only', 'child']) {
      const manifest = manifestOf('ebs', stage);
      const image = ownAmis(fake, 'us-east-1').find((candidate) => `us-east-1:${candidate.ImageId}` === manifest.builds[0].artifact_id)!;
      expect(tagsOf(image)).toMatchObject({ team: 'web', 'nx-bake.pipeline': 'ebs', 'nx-bake.stage': stage, 'nx-bake.builder': 'aws', 'nx-bake.fingerprint': manifest.fingerprint, 'nx-bake.run': manifest.last_run_uuid });
      const snapshotId = image.BlockDeviceMappings[0].Ebs.SnapshotId;
      const snapshot = regionState(fake, 'us-east-1').snapshots.find((candidate) => candidate.SnapshotId === snapshotId)!;
      expect(tagsOf(snapshot)).toMatchObject({ backup: 'no', 'nx-bake.fingerprint': manifest.fingerprint });
    }
  });

  it('leaves no instance, key pair or temporary security group, and made every call as EC2\'s model says', async () => {
    expect(await ec2Leaks(fake, { allowAmis: 2 })).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('a bake without manifests adopts both AMIs by their fingerprint tags and builds nothing', async () => {
    const ids = ['only', 'child'].map((stage) => manifestOf('ebs', stage).builds[0].artifact_id);
    rmSync(join(workspace.root, 'dist/images/ebs'), { recursive: true, force: true });
    const again = await workspace.nxAsync(['run', 'ebs:bake', '--skip-nx-cache', '--output-style=static'], { env: ec2Env(fake) });
    if (again.status !== 0) throw new Error(`re-bake failed:\n${again.output.slice(-8000)}`);
    expect(['only', 'child'].map((stage) => manifestOf('ebs', stage).outcome)).toEqual(['adopted', 'adopted']);
    expect(['only', 'child'].map((stage) => manifestOf('ebs', stage).builds[0].artifact_id)).toEqual(ids);
    expect(ownAmis(fake, 'us-east-1')).toHaveLength(2);
  });

  it('ami_regions: the AMI is copied and waited for, the artifact ID names both regions', async () => {
    const result = await run(['run', 'ebsregions:bake']);
    if (result.status !== 0) throw new Error(`bake failed:\n${result.output.slice(-8000)}`);
    const id = manifestOf('ebsregions', 'only').builds[0].artifact_id as string;
    expect(id).toMatch(/^us-east-1:ami-[0-9a-f]+,eu-west-1:ami-[0-9a-f]+$/);
    const copy = ownAmis(fake, 'eu-west-1').find((image) => id.endsWith(`eu-west-1:${image.ImageId}`))!;
    expect(copy.State).toBe('available');
    expect(tagsOf(copy)['nx-bake.stage']).toBe('only');
    expect(await ec2Leaks(fake, { allowAmis: 4 })).toEqual([]);
  });

  it('gc --apply deregisters an AMI nothing refers to, with its snapshots, in every region', async () => {
    // Retention on the regions pipeline, then a second build: the first is no longer the manifest's.
    const before = manifestOf('ebsregions', 'only').builds[0].artifact_id as string;
    workspace.write('pipelines/ebsregions/pipeline.yaml', `${ec2Pipeline({ name: 'ebsregions', sshPort: fake.sshPort, builderFields: 'ami_regions: [eu-west-1]' }).replace('    from: { image: debian-12 }', '    from: { image: debian-12 }\n    retain: { count: 1 }')}`);
    workspace.write('pipelines/ebsregions/only/setup.sh', 'echo again > /root/provisioned\n');
    const rebuilt = await run(['run', 'ebsregions:bake']);
    if (rebuilt.status !== 0) throw new Error(`bake failed:\n${rebuilt.output.slice(-8000)}`);
    const after = manifestOf('ebsregions', 'only').builds[0].artifact_id as string;
    expect(after).not.toBe(before);
    const gc = await run(['run', 'ebsregions:gc', '--apply']);
    expect(gc.status).toBe(0);
    expect(gc.stdout).toContain(before);
    const remaining = ['us-east-1', 'eu-west-1'].flatMap((region) => ownAmis(fake, region).map((image) => `${region}:${image.ImageId}`));
    for (const ami of before.split(',')) expect(remaining).not.toContain(ami);
    for (const ami of after.split(',')) expect(remaining).toContain(ami);
    expect(await ec2Leaks(fake, { allowAmis: 4 })).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });
});
