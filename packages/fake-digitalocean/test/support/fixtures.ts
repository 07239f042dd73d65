import { FakeDigitalOcean, startFakeDigitalOcean } from '../../src';
import { DoClient } from './client';
import { generateKey, KeyPair } from './ssh';

export const TOKEN = 'dop_v1_fake_test_token';

/** Droplet creation body for the local debian image. */
export function dropletBody(name: string, keyId: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, region: 'nyc3', size: 's-1vcpu-1gb', image: 'debian-12-x64', ssh_keys: [keyId], ...extra };
}

/** A started fake, a client for it, and a registered key; `close()` stops the fake (removing all it made). */
export async function setUp(options: { strict?: boolean } = {}): Promise<{
  fake: FakeDigitalOcean;
  client: DoClient;
  key: KeyPair;
  keyId: number;
  close(): Promise<void>;
}> {
  const fake = await startFakeDigitalOcean({ tokens: [TOKEN], activeDelayMs: 300, actionDelayMs: 100, ...options });
  const client = new DoClient(fake.url, TOKEN);
  const key = generateKey();
  const created = await client.post('/v2/account/keys', { name: 'test key', public_key: key.publicKey });
  if (created.status !== 201) throw new Error(`key registration failed: ${JSON.stringify(created.body)}`);
  return {
    fake,
    client,
    key,
    keyId: created.body.ssh_key.id,
    close: async () => {
      await fake.stop();
      key.remove();
    },
  };
}
