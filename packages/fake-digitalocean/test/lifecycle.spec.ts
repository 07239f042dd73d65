import { startFakeDigitalOcean } from '../src';
import { DoClient } from './support/client';
import { containerOfDroplet, labelled } from './support/docker';
import { dropletBody, setUp, TOKEN } from './support/fixtures';
import { generateKey, KeyPair, ssh } from './support/ssh';
import Docker from 'dockerode';

jest.setTimeout(180_000);

describe('droplet lifecycle', () => {
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    env = await setUp();
  });
  afterAll(async () => env?.close());

  it('renames, reboots and power-cycles a droplet; sshd comes back each time and files persist', async () => {
    const { client, keyId, key, fake } = env;
    const created = await client.post('/v2/droplets', dropletBody('cycle', keyId));
    const id: number = created.body.droplet.id;
    const ip = await client.waitActive(id);
    expect((await sshEventually(ip, key, 'echo kept > /root/kept')).code).toBe(0);

    await act(client, id, { type: 'rename', name: 'cycled' });
    expect((await client.get(`/v2/droplets/${id}`)).body.droplet.name).toBe('cycled');
    await act(client, id, { type: 'reboot' });
    expect((await sshEventually(ip, key, 'cat /root/kept')).stdout.trim()).toBe('kept');

    await act(client, id, { type: 'shutdown' });
    expect((await ssh(ip, key, 'true')).code).toBe(255);
    await act(client, id, { type: 'power_on' });
    expect((await client.get(`/v2/droplets/${id}`)).body.droplet.status).toBe('active');
    expect((await containerOfDroplet(fake.instanceId, id))?.State).toBe('running');
    expect((await sshEventually(ip, key, 'cat /root/kept')).stdout.trim()).toBe('kept');
    await act(client, id, { type: 'power_on' }); // already on: completes, changes nothing

    const unsupported = await client.post(`/v2/droplets/${id}/actions`, { type: 'enable_ipv6' });
    expect(unsupported.status).toBe(422);
    expect(unsupported.body.message).toMatch(/implements the droplet actions/);
    expect((await client.post('/v2/droplets/999/actions', { type: 'power_off' })).status).toBe(404);
    await client.delete(`/v2/droplets/${id}`);
    expect(fake.violations()).toEqual([]);
  });

  it('creates several droplets at once (names) and destroys them by tag', async () => {
    const { client, keyId, fake } = env;
    const created = await client.post('/v2/droplets', {
      ...dropletBody('unused', keyId, { tags: ['multi'] }),
      name: undefined,
      names: ['multi-1', 'multi-2'],
    });
    expect(created.status).toBe(202);
    expect(created.body.droplets.map((d: { name: string }) => d.name)).toEqual(['multi-1', 'multi-2']);
    expect(created.body.links.actions).toHaveLength(2);
    const ips = await Promise.all(created.body.droplets.map((d: { id: number }) => client.waitActive(d.id)));
    expect(new Set(ips).size).toBe(2);
    expect((await client.delete('/v2/droplets?tag_name=multi')).status).toBe(204);
    expect((await client.get('/v2/droplets?tag_name=multi')).body.droplets).toEqual([]);
    for (const d of created.body.droplets) expect(await containerOfDroplet(fake.instanceId, d.id)).toBeUndefined();
    expect(fake.violations()).toEqual([]);
  });

  it('removes a deleted snapshot\'s Docker image once the droplet made from it is destroyed', async () => {
    const { client, keyId, fake } = env;
    const source = (await client.post('/v2/droplets', dropletBody('snap-source', keyId))).body.droplet.id;
    await client.waitActive(source);
    await act(client, source, { type: 'snapshot', name: 'in-use' });
    const [snapshot] = fake.state().snapshots;
    const child = (await client.post('/v2/droplets', dropletBody('snap-child', keyId, { image: snapshot.id }))).body.droplet.id;
    await client.waitActive(child);

    expect((await client.delete(`/v2/images/${snapshot.id}`)).status).toBe(204);
    expect((await client.get(`/v2/images/${snapshot.id}`)).status).toBe(404);
    expect(fake.state().pendingImageRemovals).toEqual([snapshot.localImage]);
    expect(await imageExists(snapshot.localImage)).toBe(true);

    await client.delete(`/v2/droplets/${child}`);
    expect(fake.state().pendingImageRemovals).toEqual([]);
    expect(await imageExists(snapshot.localImage)).toBe(false);
    await client.delete(`/v2/droplets/${source}`);
    expect(await labelled(fake.instanceId)).toEqual({ containers: [], images: [] });
  });
});

describe('stop()', () => {
  let key: KeyPair;
  beforeAll(() => (key = generateKey()));
  afterAll(() => key.remove());

  it('removes every container and every (chained) snapshot image the fake made', async () => {
    const fake = await startFakeDigitalOcean({ tokens: [TOKEN], activeDelayMs: 200, actionDelayMs: 50 });
    const client = new DoClient(fake.url, TOKEN);
    try {
      const keyId = (await client.post('/v2/account/keys', { name: 'k', public_key: key.publicKey })).body.ssh_key.id;
      const first = (await client.post('/v2/droplets', dropletBody('chain-1', keyId))).body.droplet.id;
      await client.waitActive(first);
      await act(client, first, { type: 'snapshot', name: 'chain-a' });
      const a = fake.state().snapshots[0].id;
      const second = (await client.post('/v2/droplets', dropletBody('chain-2', keyId, { image: a }))).body.droplet.id;
      await client.waitActive(second);
      await act(client, second, { type: 'snapshot', name: 'chain-b' });
      const before = await labelled(fake.instanceId);
      expect(before.containers).toHaveLength(2);
      expect(before.images.length).toBeGreaterThanOrEqual(2);
    } finally {
      await fake.stop();
    }
    expect(await labelled(fake.instanceId)).toEqual({ containers: [], images: [] });
  });
});

async function act(client: DoClient, id: number, body: Record<string, unknown>): Promise<void> {
  const posted = await client.post(`/v2/droplets/${id}/actions`, body);
  expect(posted.status).toBe(201);
  expect((await client.waitForAction(posted.body.action.id)).action.status).toBe('completed');
}

async function sshEventually(ip: string, key: KeyPair, command: string): Promise<{ code: number; stdout: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await ssh(ip, key, command);
    if (result.code === 0 || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function imageExists(ref: string): Promise<boolean> {
  return new Docker()
    .getImage(ref)
    .inspect()
    .then(() => true, () => false);
}
