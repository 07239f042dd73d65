import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { DigitalOceanApi } from '../../src/builders/digitalocean/api-client';
import { fetchWhenUp, freePort } from '../support/net';
import { cliKey, sshRun } from '../support/ssh-cli';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/**
 * The example pipeline baked as DigitalOcean snapshots against the fake cloud, whose droplets are real
 * containers reached over SSH: the three stages chain through snapshot IDs, and nothing is left behind.
 */
describe('nx run images:bake --only=cloud (DigitalOcean, against the fake cloud)', () => {
  const token = `dop_v1_canary_${randomUUID().replace(/-/g, '')}`;
  let fake: FakeDigitalOcean;
  let workspace: TestWorkspace;
  let output = '';
  let status: number | null;
  const repository = `nx-bake-e2e/do-${randomUUID().slice(0, 8)}`;
  const env = () => ({ DIGITALOCEAN_API_URL: fake.url, BAKE_VAR_do_token: token, BAKE_VAR_repository: repository });
  const manifestOf = (stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8'));

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [token], activeDelayMs: 500, actionDelayMs: 200 });
    workspace = createWorkspace({ copy: ['pipelines', 'apps'], name: 'digitalocean' });
    const result = await workspace.nxAsync(['run', 'images:bake', '--only=cloud', '--output-style=static'], { env: env() });
    output = result.output;
    status = result.status;
  });

  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });

  it('bakes all three stages into snapshots, each from its parent snapshot', () => {
    if (status !== 0) throw new Error(`bake failed:\n${output.slice(-8000)}`);
    const ids = ['os-base', 'app-base', 'app'].map((stage) => {
      const manifest = manifestOf(stage);
      expect(manifest.builds).toEqual([expect.objectContaining({ name: 'cloud', builder_type: 'digitalocean', artifact_id: expect.stringMatching(/^nyc3:\d+$/) })]);
      return manifest.builds[0].artifact_id as string;
    });
    expect(manifestOf('os-base').base).toMatchObject({ kind: 'image', artifacts: { cloud: 'debian-12-x64' } });
    expect(manifestOf('app-base').base).toMatchObject({ kind: 'stage', artifacts: { cloud: ids[0] } });
    expect(manifestOf('app').base).toMatchObject({ kind: 'stage', artifacts: { cloud: ids[1] } });
  });

  it('tags each snapshot with its stage and fingerprint, and leaves no droplet or key', async () => {
    const state = fake.state();
    expect(state.droplets).toEqual([]);
    expect(state.keys).toEqual([]);
    expect(state.snapshots).toHaveLength(3);
    const api = new DigitalOceanApi({ url: fake.url, token });
    for (const stage of ['os-base', 'app-base', 'app']) {
      const manifest = manifestOf(stage);
      const { image } = await api.get<{ image: { tags: string[] } }>(`/v2/images/${manifest.builds[0].artifact_id.split(':')[1]}`);
      expect(image.tags).toEqual(expect.arrayContaining(['nx-bake', `nx-bake:stage:images:${stage}`, 'nx-bake:builder:cloud', `nx-bake:fp:${manifest.fingerprint}`]));
    }
  });

  it('made every call the way the DigitalOcean API contract says', () => {
    expect(fake.violations()).toEqual([]);
  });

  it('never shows the token: not in output, manifests or droplet tags', () => {
    expect(output).not.toContain(token);
    for (const stage of ['os-base', 'app-base', 'app']) {
      expect(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8')).not.toContain(token);
    }
    expect(JSON.stringify(fake.state())).not.toContain(token);
  });

  it('serves the site from a droplet started from the final snapshot', async () => {
    const api = new DigitalOceanApi({ url: fake.url, token });
    const key = cliKey();
    const { ssh_key } = await api.post<{ ssh_key: { id: number } }>('/v2/account/keys', { name: 'e2e', public_key: key.publicKey });
    const snapshotId = Number(manifestOf('app').builds[0].artifact_id.split(':')[1]);
    const { droplet } = await api.post<{ droplet: { id: number } }>('/v2/droplets', { name: 'e2e-app', region: 'nyc3', size: 's-1vcpu-1gb', image: snapshotId, ssh_keys: [ssh_key.id] });
    try {
      let address: string | undefined;
      for (let i = 0; i < 60 && !address; i++) {
        const current = (await api.get<{ droplet: { status: string; networks: { v4: { type: string; ip_address: string }[] } } }>(`/v2/droplets/${droplet.id}`)).droplet;
        if (current.status === 'active') address = current.networks.v4.find((network) => network.type === 'public')?.ip_address;
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(address).toMatch(/^127\./);
      const port = await freePort();
      const files = await sshRun(address!, key, 'cat /etc/nx-bake-os-base /etc/nx-bake-app-base /etc/nx-bake-release');
      expect(files).toContain('hardened');
      expect(files).toMatch(/images\/app built from nyc3:\d+/);
      await sshRun(address!, key, `ADDRESS=${address} PORT=${port} nohup /usr/local/bin/boot.sh >/tmp/boot.log 2>&1 </dev/null &`);
      const page = await fetchWhenUp(`http://${address}:${port}/`);
      expect(page.body).toContain('Hello from an immutable server');
    } finally {
      await api.delete(`/v2/droplets/${droplet.id}`);
      await api.delete(`/v2/account/keys/${ssh_key.id}`);
      key.remove();
    }
  });

  it('a second bake adopts nothing new and builds nothing: Nx cache, then manifests', async () => {
    const again = await workspace.nxAsync(['run', 'images:bake', '--only=cloud', '--output-style=static'], { env: env() });
    expect(again.status).toBe(0);
    expect(again.output).toMatch(/images\/app: cached/);
    expect(existsSync(join(workspace.root, 'dist/images/images/app/manifest.json'))).toBe(true);
  });
});
