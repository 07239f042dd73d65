import { containerOfDroplet, labelled } from './support/docker';
import { dropletBody, setUp } from './support/fixtures';
import { ssh } from './support/ssh';

jest.setTimeout(120_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('fault knobs on droplets and actions', () => {
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    env = await setUp();
  });
  afterAll(async () => env?.close());
  afterEach(() => env.fake.faults.clear());

  async function activeDroplet(name: string): Promise<{ id: number; ip: string }> {
    const created = await env.client.post('/v2/droplets', dropletBody(name, env.keyId));
    expect(created.status).toBe(202);
    const id: number = created.body.droplet.id;
    return { id, ip: await env.client.waitActive(id) };
  }

  it('keeps a droplet `new` forever when asked, with its create action in progress', async () => {
    const { client, fake } = env;
    expect((await client.post('/_fake/faults/never-active', { count: 1 })).status).toBe(201);
    const created = await client.post('/v2/droplets', dropletBody('never-active', env.keyId));
    const id: number = created.body.droplet.id;
    const createAction: number = created.body.links.actions[0].id;
    await sleep(2500); // the fixture's droplets are active after ~0.5 s
    expect((await client.get(`/v2/droplets/${id}`)).body.droplet).toMatchObject({ status: 'new', networks: { v4: [] } });
    expect((await client.get(`/v2/actions/${createAction}`)).body.action.status).toBe('in-progress');
    expect((await containerOfDroplet(fake.instanceId, id))?.State).toBe('running');
    expect((await client.delete(`/v2/droplets/${id}`)).status).toBe(204);
    expect(await containerOfDroplet(fake.instanceId, id)).toBeUndefined();
    expect((await client.get(`/v2/actions/${createAction}`)).body.action.status).toBe('errored');
  });

  it('fails a snapshot: the action ends errored and no image appears', async () => {
    const { client, fake } = env;
    const { id } = await activeDroplet('snapshot-fails');
    expect((await client.post('/_fake/faults/snapshot-failures', {})).status).toBe(201);
    const snap = await client.post(`/v2/droplets/${id}/actions`, { type: 'snapshot', name: 'doomed' });
    expect(snap.body.action.status).toBe('in-progress');
    const done = await client.waitForAction(snap.body.action.id);
    expect(done.action).toMatchObject({ status: 'errored', completed_at: expect.any(String) });
    expect((await client.get(`/v2/droplets/${id}/snapshots`)).body.snapshots).toEqual([]);
    expect((await client.get('/v2/images?private=true')).body.images).toEqual([]);
    expect(fake.state().snapshots).toEqual([]);
    expect((await labelled(fake.instanceId)).images).toEqual([]);
    // the next snapshot works again
    const next = await client.post(`/v2/droplets/${id}/actions`, { type: 'snapshot', name: 'fine' });
    expect((await client.waitForAction(next.body.action.id)).action.status).toBe('completed');
    expect(fake.state().snapshots.map((s) => s.name)).toEqual(['fine']);
    await client.delete(`/v2/droplets/${id}`);
    await client.delete(`/v2/images/${fake.state().snapshots[0].id}`);
  });

  it('keeps an action in progress forever, or for a while', async () => {
    const { client, fake } = env;
    const { id } = await activeDroplet('stuck');
    fake.faults.slowActions(1500, { type: 'power_off' });
    const started = Date.now();
    const off = await client.post(`/v2/droplets/${id}/actions`, { type: 'power_off' });
    await sleep(1000);
    expect((await client.get(`/v2/actions/${off.body.action.id}`)).body.action.status).toBe('in-progress');
    expect((await client.get(`/v2/droplets/${id}`)).body.droplet.status).toBe('active');
    expect((await client.waitForAction(off.body.action.id)).action.status).toBe('completed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);

    expect((await client.post('/_fake/faults/stuck-actions', { type: 'snapshot' })).status).toBe(201);
    const snap = await client.post(`/v2/droplets/${id}/actions`, { type: 'snapshot', name: 'never' });
    await sleep(2000);
    const action = (await client.get(`/v2/droplets/${id}/actions/${snap.body.action.id}`)).body.action;
    expect(action).toMatchObject({ status: 'in-progress', completed_at: null });
    expect((await client.get(`/v2/droplets/${id}`)).body.droplet.locked).toBe(true);
    const blocked = await client.post(`/v2/droplets/${id}/actions`, { type: 'power_on' });
    expect(blocked.status).toBe(422);
    expect(blocked.body.message).toMatch(/pending event/);
    expect(fake.state().actionsInProgress).toEqual([expect.objectContaining({ id: snap.body.action.id, type: 'snapshot' })]);
    expect(fake.state().snapshots).toEqual([]);
    await client.delete(`/v2/droplets/${id}`);
  });

  it('starts sshd late: SSH is refused at first, then accepted', async () => {
    const { client, fake } = env;
    fake.faults.lateSsh(4000);
    const created = await client.post('/v2/droplets', dropletBody('late-ssh', env.keyId));
    const id: number = created.body.droplet.id;
    const ip = await client.waitActive(id);
    const early = await ssh(ip, env.key, 'true');
    expect(early.code).toBe(255);
    expect(early.stderr).toMatch(/Connection refused/);
    const activeAt = Date.now();
    let accepted: number | undefined;
    while (Date.now() - activeAt < 30_000) {
      if ((await ssh(ip, env.key, 'true')).code === 0) {
        accepted = Date.now();
        break;
      }
      await sleep(250);
    }
    expect(accepted).toBeDefined();
    expect(accepted! - activeAt).toBeGreaterThan(1500);
    await client.delete(`/v2/droplets/${id}`);
  });

  it('resets to nothing over the admin API: droplets, keys, faults, violations, containers', async () => {
    const { client, fake } = env;
    await activeDroplet('to-reset');
    fake.faults.rateLimit(5);
    await client.get('/v2/nowhere'); // a violation
    expect((await client.post('/_fake/reset', {})).status).toBe(204);
    expect(fake.state()).toMatchObject({ droplets: [], keys: [], snapshots: [], actionsInProgress: [] });
    expect(fake.violations()).toEqual([]);
    expect(fake.faults.snapshot().rateLimit).toEqual([]);
    expect(await labelled(fake.instanceId)).toEqual({ containers: [], images: [] });
    // the fixture's key is gone with everything else: register it again for later tests
    const again = await client.post('/v2/account/keys', { name: 'again', public_key: env.key.publicKey });
    expect(again.status).toBe(201);
    env.keyId = again.body.ssh_key.id;
  });
});
