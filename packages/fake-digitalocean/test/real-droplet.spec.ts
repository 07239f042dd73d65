import { FakeDigitalOcean, startFakeDigitalOcean } from '../src';
import { DoClient } from './support/client';
import { containerOfDroplet, imageLabels, labelled } from './support/docker';
import { TOKEN } from './support/fixtures';
import { generateKey, KeyPair, ssh } from './support/ssh';

jest.setTimeout(180_000);

describe('droplets are real containers reachable over SSH', () => {
  let fake: FakeDigitalOcean;
  let client: DoClient;
  let key: KeyPair;

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [TOKEN] });
    client = new DoClient(fake.url, TOKEN);
    key = generateKey();
  });

  afterAll(async () => {
    await fake?.stop();
    key?.remove();
  });

  it('bakes: key → droplet → ssh → power_off → snapshot → droplet from the snapshot → clean up, leaving nothing', async () => {
    const registered = await client.post('/v2/account/keys', { name: 'bake', public_key: key.publicKey });
    expect(registered.status).toBe(201);
    const keyId: number = registered.body.ssh_key.id;

    const created = await client.post('/v2/droplets', {
      name: 'bake-source',
      region: 'nyc3',
      size: 's-1vcpu-1gb',
      image: 'debian-12-x64',
      ssh_keys: [keyId],
      tags: ['nx-bake', 'stage:os-base'],
      // Run by the droplet's own cloud-init, before it is active.
      user_data: '#cloud-config\nwrite_files:\n  - path: /etc/from-user-data\n    content: "seeded\\n"\nruncmd:\n  - echo runcmd-ran\n',
    });
    expect(created.status).toBe(202);
    expect(created.body.droplet.status).toBe('new');
    const sourceId: number = created.body.droplet.id;
    const sourceIp = await client.waitActive(sourceId);
    expect(sourceIp).toMatch(/^127\.77\.\d+\.\d+$/);

    const container = await containerOfDroplet(fake.instanceId, sourceId);
    expect(container?.Labels).toMatchObject({
      'fake-digitalocean.droplet': String(sourceId),
      'fake-digitalocean.tags': 'nx-bake,stage:os-base',
    });
    expect(container?.HostConfig.NetworkMode).toBe('host');

    const write = await waitForSsh(sourceIp, 'echo baked-by-fake > /root/marker && cat /etc/debian_version');
    expect(write.stdout).toMatch(/^12\./);
    // A machine: systemd is PID 1, and cloud-init ran the user data before SSH was let in.
    const booted = await ssh(sourceIp, key, 'cat /proc/1/comm; cloud-init status; cat /etc/from-user-data; grep -c runcmd-ran /var/log/cloud-init-output.log');
    expect(booted.stdout.split('\n')).toEqual(['systemd', 'status: done', 'seeded', '1', '']);

    const off = await client.post(`/v2/droplets/${sourceId}/actions`, { type: 'power_off' });
    expect(off.status).toBe(201);
    expect((await client.waitForAction(off.body.action.id)).action.status).toBe('completed');
    expect((await client.get(`/v2/droplets/${sourceId}`)).body.droplet.status).toBe('off');
    expect((await containerOfDroplet(fake.instanceId, sourceId))?.State).toBe('exited');

    const snap = await client.post(`/v2/droplets/${sourceId}/actions`, { type: 'snapshot', name: 'os-base-1' });
    expect(snap.status).toBe(201);
    expect((await client.waitForAction(snap.body.action.id)).action.status).toBe('completed');
    const snapshots = (await client.get(`/v2/droplets/${sourceId}/snapshots`)).body.snapshots;
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ name: 'os-base-1', type: 'snapshot', regions: ['nyc3'] });
    const snapshotId: number = snapshots[0].id;
    const image = (await client.get(`/v2/images/${snapshotId}`)).body.image;
    expect(image).toMatchObject({ id: snapshotId, type: 'snapshot', public: false, regions: ['nyc3'], min_disk_size: 25 });
    expect(image.size_gigabytes).toBeGreaterThan(0);
    const localImage = fake.state().snapshots[0].localImage;
    expect(await imageLabels(localImage)).toMatchObject({
      'fake-digitalocean.image': String(snapshotId),
      'fake-digitalocean.snapshot-name': 'os-base-1',
    });

    const child = await client.post('/v2/droplets', {
      name: 'bake-child',
      region: 'nyc3',
      size: 's-1vcpu-1gb',
      image: snapshotId,
      ssh_keys: [registered.body.ssh_key.fingerprint],
    });
    expect(child.status).toBe(202);
    const childId: number = child.body.droplet.id;
    const childIp = await client.waitActive(childId);
    expect(childIp).not.toBe(sourceIp);
    const read = await waitForSsh(childIp, 'cat /root/marker');
    expect(read.stdout.trim()).toBe('baked-by-fake');

    expect((await client.delete(`/v2/droplets/${sourceId}`)).status).toBe(204);
    expect((await client.delete(`/v2/droplets/${childId}`)).status).toBe(204);
    expect((await client.get(`/v2/droplets/${childId}`)).status).toBe(404);
    expect((await client.delete(`/v2/snapshots/${snapshotId}`)).status).toBe(204);
    expect((await client.delete(`/v2/account/keys/${keyId}`)).status).toBe(204);

    const state = (await client.get('/_fake/state')).body;
    expect(state).toMatchObject({ droplets: [], keys: [], snapshots: [], pendingImageRemovals: [] });
    expect(await labelled(fake.instanceId)).toEqual({ containers: [], images: [] });
    expect(fake.violations()).toEqual([]);
  });

  /** sshd starts right after the container; allow it a moment, as a builder's SSH step retries. */
  async function waitForSsh(ip: string, command: string): Promise<{ stdout: string }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const result = await ssh(ip, key, command);
      if (result.code === 0) return result;
      if (Date.now() > deadline) throw new Error(`ssh to ${ip} failed: ${result.code} ${result.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
});
