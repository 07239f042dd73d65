import { DoClient } from './support/client';
import { dropletBody, setUp } from './support/fixtures';

jest.setTimeout(180_000);

describe('every operation of the contract, driven with a real droplet', () => {
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    env = await setUp();
  });
  afterAll(async () => env?.close());

  it('answers them all without a single request or response violation', async () => {
    const { client, fake, keyId } = env;
    const fingerprint = (await client.get(`/v2/account/keys/${keyId}`)).body.ssh_key.fingerprint;
    expect((await client.get(`/v2/account/keys/${encodeURIComponent(fingerprint)}`)).body.ssh_key.id).toBe(keyId);
    expect((await client.get('/v2/account')).body.account.status).toBe('active');
    const regions = await client.get('/v2/regions?per_page=2&page=2');
    expect(regions.body.regions).toHaveLength(2);
    expect(Object.keys(regions.body.links.pages).sort()).toEqual(['first', 'last', 'next', 'prev']);
    expect((await client.get('/v2/sizes')).body.sizes.map((s: { slug: string }) => s.slug)).toContain('s-1vcpu-1gb');
    expect((await client.get('/v2/images?type=distribution')).body.images[0].slug).toBe('debian-12-x64');
    expect((await client.get('/v2/images/debian-12-x64')).body.image.public).toBe(true);
    expect((await client.get('/v2/images?private=true')).body).toMatchObject({ images: [], meta: { total: 0 } });

    const created = await client.post(
      '/v2/droplets',
      dropletBody('contract-1', keyId, {
        tags: ['contract'],
        user_data: '#cloud-config\n',
        monitoring: true,
        vpc_uuid: '760e09ef-dc84-11e8-981e-3cfdfeaae000',
      }),
    );
    expect(created.status).toBe(202);
    const id: number = created.body.droplet.id;
    expect(created.body.links.actions[0]).toMatchObject({ rel: 'create', href: `${fake.url}/v2/actions/${created.body.links.actions[0].id}` });
    await client.waitActive(id);
    expect((await client.get('/v2/droplets?tag_name=contract')).body.droplets.map((d: { id: number }) => d.id)).toEqual([id]);
    expect((await client.get('/v2/droplets?name=contract-1')).body.meta.total).toBe(1);

    const shutdown = await runAction(client, id, { type: 'shutdown' });
    expect((await client.get(`/v2/droplets/${id}/actions/${shutdown}`)).body.action).toMatchObject({ type: 'shutdown', status: 'completed' });
    await runAction(client, id, { type: 'power_on' });
    await runAction(client, id, { type: 'power_off' });
    await runAction(client, id, { type: 'snapshot', name: 'contract-a' });
    await runAction(client, id, { type: 'snapshot', name: 'contract-b' });
    const [a, b] = (await client.get(`/v2/droplets/${id}/snapshots`)).body.snapshots.map((s: { id: number }) => s.id);

    expect((await client.put(`/v2/images/${a}`, { name: 'contract-a2', distribution: 'Debian' })).body.image.name).toBe('contract-a2');
    expect((await client.post('/v2/tags', { name: 'baked' })).status).toBe(201);
    const tagged = await client.post('/v2/tags/baked/resources', {
      resources: [
        { resource_id: String(a), resource_type: 'image' },
        { resource_id: String(id), resource_type: 'droplet' },
      ],
    });
    expect(tagged.status).toBe(204);
    expect((await client.get('/v2/images?tag_name=baked')).body.images.map((i: { id: number }) => i.id)).toEqual([a]);
    expect((await client.get('/v2/images?private=true')).body.meta.total).toBe(2);

    const transfer = await client.post(`/v2/images/${a}/actions`, { type: 'transfer', region: 'ams3' });
    expect(transfer.status).toBe(201);
    await client.waitFor(`/v2/images/${a}/actions/${transfer.body.action.id}`, (r) => r.action.status === 'completed');
    expect((await client.get(`/v2/images/${a}`)).body.image.regions).toEqual(['nyc3', 'ams3']);

    expect((await client.get('/v2/snapshots?resource_type=droplet')).body.snapshots).toHaveLength(2);
    expect((await client.get(`/v2/snapshots/${b}`)).body.snapshot).toMatchObject({ id: String(b), resource_id: String(id) });

    const child = await client.post('/v2/droplets', dropletBody('contract-2', keyId, { image: b }));
    await client.waitActive(child.body.droplet.id);
    expect((await client.delete(`/v2/droplets/${child.body.droplet.id}`)).status).toBe(204);
    expect((await client.delete('/v2/droplets?tag_name=contract')).status).toBe(204);
    expect((await client.delete(`/v2/images/${a}`)).status).toBe(204);
    expect((await client.delete(`/v2/snapshots/${b}`)).status).toBe(204);
    expect((await client.delete(`/v2/account/keys/${keyId}`)).status).toBe(204);

    // error answers are checked against the contract too
    expect((await new DoClient(fake.url, 'wrong-token').get('/v2/account')).body).toMatchObject({ id: 'unauthorized' });
    expect((await client.get(`/v2/droplets/${id}`)).status).toBe(404);
    expect((await client.post('/v2/droplets', dropletBody('no-key', 1))).status).toBe(422);
    expect((await client.get('/v2/snapshots/160000001')).status).toBe(400);

    const exercised = new Set(client.calls.map((c) => fake.contract.match(c.method, c.path)?.operation.operationId));
    expect([...exercised].sort()).toEqual(fake.contract.operations.map((o) => o.operationId).sort());
    expect(fake.violations()).toEqual([]);
    expect(fake.state()).toMatchObject({ droplets: [], keys: [], snapshots: [] });
  });
});

async function runAction(client: DoClient, dropletId: number, body: Record<string, unknown>): Promise<number> {
  const posted = await client.post(`/v2/droplets/${dropletId}/actions`, body);
  expect(posted.status).toBe(201);
  const done = await client.waitForAction(posted.body.action.id);
  expect(done.action.status).toBe('completed');
  return posted.body.action.id;
}
