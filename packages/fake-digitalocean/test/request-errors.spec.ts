import { startFakeDigitalOcean } from '../src';
import { DoClient } from './support/client';
import { dropletBody, setUp, TOKEN } from './support/fixtures';
import { md5Fingerprint } from './support/ssh';

jest.setTimeout(60_000);

describe('requests DigitalOcean would refuse', () => {
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    env = await setUp();
  });
  afterAll(async () => env?.close());

  it('keys: fingerprints as ssh-keygen makes them, no duplicates, no junk; get and delete by fingerprint', async () => {
    const { client, key, keyId } = env;
    const got = (await client.get(`/v2/account/keys/${keyId}`)).body.ssh_key;
    expect(got.fingerprint).toBe(md5Fingerprint(`${key.privateKeyPath}.pub`));
    const duplicate = await client.post('/v2/account/keys', { name: 'again', public_key: key.publicKey });
    expect(duplicate).toMatchObject({ status: 422, body: { id: 'unprocessable_entity', message: expect.stringMatching(/already in use/) } });
    const junk = await client.post('/v2/account/keys', { name: 'junk', public_key: 'ssh-ed25519 bm9wZQ==' });
    expect(junk.status).toBe(422);
    expect((await client.get('/v2/account/keys/00:11:22')).status).toBe(404);
    expect((await client.delete(`/v2/account/keys/${got.fingerprint}`)).status).toBe(204);
    expect((await client.get(`/v2/account/keys/${keyId}`)).status).toBe(404);
    env.keyId = (await client.post('/v2/account/keys', { name: 'back', public_key: key.publicKey })).body.ssh_key.id;
    expect(env.fake.violations()).toEqual([]);
  });

  it('droplets: need a registered key, a known region, size and image', async () => {
    const { client, keyId, fake } = env;
    const cases: [Record<string, unknown>, RegExp][] = [
      [dropletBody('k', keyId, { ssh_keys: [] }), /at least one SSH key/],
      [dropletBody('k', keyId, { ssh_keys: ['aa:bb'] }), /invalid SSH key/],
      [dropletBody('k', keyId, { region: 'mars1' }), /invalid region/],
      [dropletBody('k', keyId, { size: 's-64vcpu-1tb' }), /invalid size/],
      [dropletBody('k', keyId, { image: 'windows-11' }), /invalid image/],
      [dropletBody('k', keyId, { image: 123 }), /invalid image/],
    ];
    for (const [body, message] of cases) {
      const reply = await client.post('/v2/droplets', body);
      expect([reply.status, reply.body.message]).toEqual([422, expect.stringMatching(message)]);
    }
    expect(fake.state().droplets).toEqual([]);
    expect(fake.violations()).toEqual([]);
  });

  it('droplets: an image slug whose local Docker image is missing is refused with a hint', async () => {
    const fake = await startFakeDigitalOcean({ tokens: [TOKEN], images: { 'debian-12-x64': 'nx-bake/no-such-image:never' } });
    try {
      const client = new DoClient(fake.url, TOKEN);
      const { publicKey } = env.key;
      const keyId = (await client.post('/v2/account/keys', { name: 'k', public_key: publicKey })).body.ssh_key.id;
      const reply = await client.post('/v2/droplets', dropletBody('x', keyId));
      expect(reply.status).toBe(422);
      expect(reply.body.message).toMatch(/local Docker image nx-bake\/no-such-image:never/);
    } finally {
      await fake.stop();
    }
  });

  it('tags: bad names get DigitalOcean\'s 400 body; unknown tags and resources 404', async () => {
    const { client, fake } = env;
    const bad = await client.post('/v2/tags', { name: 'no spaces' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: expect.stringMatching(/invalid characters/), root_causes: [expect.any(String)] });
    const [violation] = fake.violations();
    expect(violation).toMatchObject({ direction: 'request', operationId: 'tags_create' }); // the name breaks the pattern
    expect(fake.violations()).toHaveLength(1);
    fake.clearViolations();
    expect((await client.post('/v2/tags/nope/resources', { resources: [] })).status).toBe(404);
    await client.post('/v2/tags', { name: 'exists' });
    const missing = await client.post('/v2/tags/exists/resources', { resources: [{ resource_id: '1', resource_type: 'droplet' }] });
    expect(missing.status).toBe(404);
    const publicImage = await client.post('/v2/tags/exists/resources', { resources: [{ resource_id: '160000001', resource_type: 'image' }] });
    expect(publicImage.status).toBe(404);
    const created = await client.post('/v2/tags', { name: 'exists' });
    expect(created).toMatchObject({ status: 201, body: { tag: { name: 'exists', resources: { count: 0 } } } });
    expect(fake.violations()).toEqual([]);
  });

  it('images: public ones cannot be changed or deleted; convert is not offered', async () => {
    const { client, fake } = env;
    expect((await client.put('/v2/images/160000001', { name: 'mine' })).status).toBe(404);
    expect((await client.delete('/v2/images/160000001')).status).toBe(404);
    expect((await client.delete('/v2/snapshots/160000001')).status).toBe(400);
    expect((await client.post('/v2/images/160000001/actions', { type: 'convert' })).status).toBe(422);
    expect((await client.get('/v2/images/424242')).status).toBe(404);
    expect(fake.violations()).toEqual([]);
  });
});
