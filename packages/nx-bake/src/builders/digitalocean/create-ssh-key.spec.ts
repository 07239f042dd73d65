import { createSshKeyRequest } from './create-ssh-key';

describe('createSshKeyRequest', () => {
  it.each([
    [{ pipeline: 'images', stage: 'os-base', runId: '0123456789abcdef' }, 'nx-bake-images-os-base-01234567'],
    [{ pipeline: 'reldo', stage: 'only', runId: 'short' }, 'nx-bake-reldo-only-short'],
  ])('names the key after pipeline, stage and run: %j', (request, name) => {
    expect(createSshKeyRequest(request, 'ssh-ed25519 AAAA nx-bake')).toStrictEqual({ path: '/v2/account/keys', body: { name, public_key: 'ssh-ed25519 AAAA nx-bake' } });
  });
});
