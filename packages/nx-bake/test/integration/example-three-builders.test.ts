import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { startFakeEc2, type FakeEc2 } from '../../../fake-ec2/src';
import { docker } from '../support/docker';
import { ec2Env, ec2Leaks } from '../support/fake-ec2-fixture';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/**
 * "The same pipeline, several platforms, in parallel": the example baked with `--only=local,cloud,aws`
 * against the local engine, the fake DigitalOcean and the fake EC2 at once; each child stage starts from its
 * parent's artifact of the same builder, and neither cloud keeps anything but the images.
 */
describe('nx run images:bake --only=local,cloud,aws (the example on three builders at once)', () => {
  const token = `dop_v1_three_${randomUUID().replace(/-/g, '')}`;
  const repository = `nx-bake-e2e/three-${randomUUID().slice(0, 8)}`;
  let digitalOcean: FakeDigitalOcean;
  let ec2: FakeEc2;
  let workspace: TestWorkspace;
  let result: { status: number | null; output: string };
  const manifestOf = (stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8'));

  beforeAll(async () => {
    [digitalOcean, ec2] = await Promise.all([
      startFakeDigitalOcean({ tokens: [token], activeDelayMs: 300, actionDelayMs: 100 }),
      startFakeEc2({ statusDelayMs: 200, imageDelayMs: 200 }),
    ]);
    workspace = createWorkspace({ copy: ['pipelines', 'apps'], name: 'three-builders' });
    result = await workspace.nxAsync(['run', 'images:bake', '--only=local,cloud,aws', '--output-style=static'], {
      env: ec2Env(ec2, { DIGITALOCEAN_API_URL: digitalOcean.url, BAKE_VAR_do_token: token, BAKE_VAR_repository: repository }),
    });
  });

  afterAll(async () => {
    await Promise.all([digitalOcean?.stop(), ec2?.stop()]);
    for (const image of await docker.listImages({ filters: { reference: [repository] } })) {
      await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
    workspace?.remove();
  });

  it('records the three builders\' artifacts for every stage, each child on its parent\'s of the same builder', () => {
    if (result.status !== 0) throw new Error(`bake failed:\n${result.output.slice(-8000)}`);
    const artifacts = ['os-base', 'app-base', 'app'].map((stage) => {
      const manifest = manifestOf(stage);
      return Object.fromEntries(manifest.builds.map((build: { name: string; artifact_id: string }) => [build.name, build.artifact_id]));
    });
    for (const byBuilder of artifacts) {
      expect(byBuilder).toEqual({
        local: expect.stringMatching(/^sha256:/),
        cloud: expect.stringMatching(/^nyc3:\d+$/),
        aws: expect.stringMatching(/^eu-west-1:ami-[0-9a-f]+$/),
      });
    }
    expect(manifestOf('os-base').base.artifacts).toEqual({ local: 'nx-bake/debian:bookworm', cloud: 'debian-12-x64', aws: 'debian-12 (source_ami_filter)' });
    expect(manifestOf('app-base').base.artifacts).toEqual(artifacts[0]);
    expect(manifestOf('app').base.artifacts).toEqual(artifacts[1]);
  });

  it('builds the three in parallel', () => {
    const at = (line: string) => result.output.indexOf(line);
    const firsts = [at('[images/os-base:local] pull-image ...'), at('[images/os-base:cloud] create-ssh-key ...'), at('[images/os-base:aws] source-ami ...')];
    const lasts = [at('[images/os-base:local] commit-image done'), at('[images/os-base:cloud] snapshot done'), at('[images/os-base:aws] create-image done')];
    expect(Math.min(...firsts, ...lasts)).toBeGreaterThan(-1);
    // Every builder started its first step before any of them finished its last.
    expect(Math.max(...firsts)).toBeLessThan(Math.min(...lasts));
  });

  it('leaves no droplet, key, instance, key pair or group at either cloud, and the fake EC2 saw only valid requests', async () => {
    expect(digitalOcean.state().droplets).toEqual([]);
    expect(digitalOcean.state().keys).toEqual([]);
    expect(digitalOcean.state().snapshots).toHaveLength(3);
    expect(await ec2Leaks(ec2, { allowAmis: 3 })).toEqual([]);
    expect(ec2.violations()).toEqual([]);
  });
});
