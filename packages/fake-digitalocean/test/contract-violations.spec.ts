import { DoClient } from './support/client';
import { setUp, TOKEN } from './support/fixtures';

jest.setTimeout(60_000);

describe('the contract check reports departures', () => {
  let env: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    env = await setUp();
  });
  afterAll(async () => env?.close());
  beforeEach(() => env.fake.clearViolations());

  it('reports a response whose shape drifted from the spec', async () => {
    const { client, fake, keyId } = env;
    fake.testing.tamperNextResponse((body) => {
      const { ssh_key } = body as { ssh_key: Record<string, unknown> };
      return { ssh_key: { ...ssh_key, id: String(ssh_key.id), name: undefined } };
    });
    const reply = await client.get(`/v2/account/keys/${keyId}`);
    expect(typeof reply.body.ssh_key.id).toBe('string'); // the drifted body was sent as is
    const [violation, ...others] = fake.violations();
    expect(others).toEqual([]);
    expect(violation).toMatchObject({ direction: 'response', operationId: 'sshKeys_get', status: 200 });
    expect(violation.problems.join('\n')).toMatch(/ssh_key\/id: must be integer/);
    expect(violation.problems.join('\n')).toMatch(/must have required property 'name'/);
  });

  it('reports a list without its meta, over the admin API too', async () => {
    const { client, fake } = env;
    fake.testing.tamperNextResponse((body) => ({ ...(body as object), meta: undefined }));
    await client.get('/v2/regions');
    const listed = (await client.get('/_fake/violations')).body.violations;
    expect(listed).toHaveLength(1);
    expect(listed[0].problems.join('\n')).toMatch(/must have required property 'meta'/);
    expect((await client.delete('/_fake/violations')).status).toBe(204);
    expect(fake.violations()).toEqual([]);
  });

  it('reports requests that break the contract', async () => {
    const { fake } = env;
    const client = new DoClient(fake.url, TOKEN);
    await client.post('/v2/droplets/not-a-number/actions', { type: 'power_off' });
    await client.post('/v2/droplets/1/actions', { type: 'explode' });
    await client.call('POST', '/v2/account/keys', undefined);
    await client.post('/v2/tags', { name: 'no spaces allowed' });
    await client.get('/v2/images?private=maybe');
    await client.get('/v2/volumes');
    await new DoClient(fake.url, undefined).get('/v2/account');
    const problems = fake.violations().map((v) => `${v.method} ${v.url}: ${v.problems.join(' | ')}`);
    expect(problems).toHaveLength(7);
    expect(problems[0]).toMatch(/path parameter droplet_id: must be integer/);
    expect(problems[1]).toMatch(/request body\/type: must be equal to one of the allowed values/);
    expect(problems[2]).toMatch(/request body: required but empty/);
    expect(problems[3]).toMatch(/request body\/name: must match pattern/);
    expect(problems[4]).toMatch(/query parameter private: must be boolean/);
    expect(problems[5]).toMatch(/no operation GET \/v2\/volumes in the contract/);
    expect(problems[6]).toMatch(/Authorization: Bearer/);
    expect(fake.violations().every((v) => v.direction === 'request')).toBe(true);
  });

  it('answers 401 with DigitalOcean\'s error body for a wrong or missing token', async () => {
    for (const client of [new DoClient(env.fake.url, 'nope'), new DoClient(env.fake.url, undefined)]) {
      const reply = await client.get('/v2/account');
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ id: 'unauthorized', message: expect.any(String) });
    }
  });

  it('in strict mode, refuses such requests as DigitalOcean would', async () => {
    const strict = await setUp({ strict: true });
    try {
      const bad = await strict.client.post('/v2/droplets', { name: 'x', region: 'nyc3', size: 's-1vcpu-1gb' });
      expect(bad.status).toBe(422);
      expect(bad.body).toMatchObject({ id: 'unprocessable_entity', message: expect.stringMatching(/image/) });
      const badParam = await strict.client.get('/v2/droplets/abc');
      expect(badParam.status).toBe(400);
      expect(badParam.body.id).toBe('bad_request');
      expect(strict.fake.violations().map((v) => v.status)).toEqual([422, 400]);
    } finally {
      await strict.close();
    }
  });
});
