import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/** Ctrl-C at each lifecycle step of a DigitalOcean bake: the bake stops, and the cloud holds nothing of it. */
describe('interrupting a DigitalOcean bake', () => {
  const token = `dop_v1_interrupts_${randomUUID().replace(/-/g, '')}`;
  let fake: FakeDigitalOcean;
  let workspace: TestWorkspace;

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [token], activeDelayMs: 300, actionDelayMs: 100 });
    workspace = createWorkspace({
      name: 'do-interrupts',
      files: {
        'pipelines/stop/pipeline.yaml': `name: stop
variables:
  token: { type: string, sensitive: true }
builders:
  cloud:
    type: digitalocean
    api_token: "{{ var.token }}"
    region: nyc3
    size: s-1vcpu-1gb
    poll_interval: 200ms
stages:
  - name: only
    from: { image: debian-12-x64 }
    provisioners:
      - type: shell
        script: only/setup.sh
`,
        'pipelines/stop/only/setup.sh': 'echo "provisioning started"\nsleep 120\n',
      },
    });
  });
  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });
  beforeEach(async () => {
    await fake.reset();
  });

  async function interruptAt(marker: RegExp): Promise<string> {
    const child = workspace.spawnNx(['run', 'stop-only:bake', '--skip-nx-cache', '--output-style=stream'], {
      env: { DIGITALOCEAN_API_URL: fake.url, BAKE_VAR_token: token },
    });
    let output = '';
    const reached = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (marker.test(output)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await Promise.race([reached, exited]);
    expect(output).toMatch(marker);
    process.kill(-child.pid!, 'SIGINT');
    const started = Date.now();
    const code = await exited;
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    // The bake's own process may outlive nx for a moment while it cleans up.
    const deadline = Date.now() + 30_000;
    while ((fake.state().droplets.length || fake.state().keys.length) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    return output;
  }

  const expectNothingLeft = () => {
    const state = fake.state();
    expect(state.droplets).toEqual([]);
    expect(state.keys).toEqual([]);
    expect(state.snapshots).toEqual([]);
    expect(existsSync(join(workspace.root, 'dist/images/stop/only/manifest.json'))).toBe(false);
  };

  it('while waiting for the droplet to become active', async () => {
    fake.faults.neverActive(1);
    await interruptAt(/created droplet \d+/);
    expectNothingLeft();
  });

  it('while connecting over SSH', async () => {
    fake.faults.lateSsh(60_000, 1);
    await interruptAt(/connect \.\.\./);
    expectNothingLeft();
  });

  it('while a provisioner runs', async () => {
    await interruptAt(/provisioning started/);
    expectNothingLeft();
  });

  it('while the snapshot is taken', async () => {
    workspace.write('pipelines/stop/only/setup.sh', 'echo provisioned\n');
    fake.faults.stuckActions({ type: 'snapshot' });
    await interruptAt(/snapshot \.\.\./);
    expectNothingLeft();
  });
});
