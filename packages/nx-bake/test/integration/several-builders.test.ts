import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { removeByLabel } from '../support/docker';
import { createWorkspace, type TestWorkspace } from '../support/workspace';
import { BASE_IMAGE } from '../support/base-image';

/** As Packer builds one template for several platforms: each builder's artifact in one manifest, children on the same type. */
describe('a stage baked by two builders at once', () => {
  const token = `dop_v1_two_${randomUUID().replace(/-/g, '')}`;
  let fake: FakeDigitalOcean;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [token], activeDelayMs: 300, actionDelayMs: 100 });
    workspace = createWorkspace({
      name: 'two-builders',
      files: {
        'pipelines/two/pipeline.yaml': `name: two
variables:
  token: { type: string, sensitive: true }
builders:
  local: { type: docker, network: host, repository: nx-bake-e2e/two, tag: "{{ stage.name }}" }
  cloud: { type: digitalocean, api_token: "{{ var.token }}", region: nyc3, size: s-1vcpu-1gb, poll_interval: 200ms }
stages:
  - name: base
    from: { image: { local: "${BASE_IMAGE}", cloud: debian-12-x64 } }
    provisioners:
      - { type: shell, script: base/setup.sh }
  - name: child
    from: { stage: base }
    provisioners:
      - { type: shell, inline: ["cat /etc/two-base > /etc/two-child"] }
`,
        'pipelines/two/base/setup.sh': 'echo "base by $NX_BAKE_BUILDER_TYPE" > /etc/two-base\n',
        'pipelines/two/child/.gitkeep': '',
      },
    });
  });
  afterAll(async () => {
    await fake?.stop();
    await removeByLabel('nx-bake.pipeline=two');
    workspace?.remove();
  });

  it('records both artifacts, builds them in parallel, and chains each child on its own type', async () => {
    const result = await workspace.nxAsync(['run', 'two:bake', '--only=local,cloud', '--output-style=static'], {
      env: { DIGITALOCEAN_API_URL: fake.url, BAKE_VAR_token: token },
    });
    if (result.status !== 0) throw new Error(result.output.slice(-6000));
    const manifest = (stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images/two', stage, 'manifest.json'), 'utf8'));
    const base = manifest('base');
    const byName = Object.fromEntries(base.builds.map((build: { name: string; artifact_id: string }) => [build.name, build.artifact_id]));
    expect(byName).toEqual({ local: expect.stringMatching(/^sha256:/), cloud: expect.stringMatching(/^nyc3:\d+$/) });
    expect(manifest('child').base.artifacts).toEqual(byName);
    // In parallel: each builder's first step started before the other's last step ended.
    const at = (line: string) => result.output.indexOf(line);
    const localFirst = at('[two/base:local] pull-image ...');
    const localLast = at('[two/base:local] commit-image done');
    const cloudFirst = at('[two/base:cloud] create-ssh-key ...');
    const cloudLast = at('[two/base:cloud] snapshot done');
    expect(Math.min(localFirst, localLast, cloudFirst, cloudLast)).toBeGreaterThan(-1);
    expect(cloudFirst).toBeLessThan(localLast);
    expect(localFirst).toBeLessThan(cloudLast);
    expect(fake.state().droplets).toEqual([]);
    expect(fake.state().keys).toEqual([]);
  });
});
