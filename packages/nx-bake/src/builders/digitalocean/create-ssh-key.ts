import type { Step } from '../../steps/step';
import { generateTemporaryKeyPair } from '../../communicators/ssh';
import type { BuildRequest } from '../builder';
import { ignoreNotFound, type ApiRequest, type DigitalOceanApi } from './api-client';
import type { DigitalOceanBuildState } from './state';
import { buildName } from './tags';
import type { SshKey } from './types';

/** A fresh key pair per build, its public half registered for the droplet and deleted again afterwards. */
export function createSshKeyStep(api: DigitalOceanApi, request: BuildRequest): Step<DigitalOceanBuildState> {
  return {
    name: 'create-ssh-key',
    async run(state, { log }) {
      const pair = generateTemporaryKeyPair(`nx-bake-${request.runId}`);
      state.privateKey = pair.privateKey;
      const create = createSshKeyRequest(request, pair.publicKey);
      const { ssh_key } = await api.post<{ ssh_key: SshKey }>(create.path, create.body);
      state.keyId = ssh_key.id;
      request.journal?.created({ kind: 'ssh-key', id: String(ssh_key.id) });
      log.info(`registered temporary SSH key ${ssh_key.fingerprint}`);
    },
    async cleanup(state, { log }) {
      if (state.keyId === undefined || state.keepInstance) return;
      await api.delete(`/v2/account/keys/${state.keyId}`).catch(ignoreNotFound);
      request.journal?.removed({ kind: 'ssh-key', id: String(state.keyId) });
      log.info(`deleted temporary SSH key ${state.keyId}`);
      state.privateKey = undefined;
    },
  };
}

/** Registers the build's public key, named after the stage and run (keys carry no tags: the run journal finds them). */
export function createSshKeyRequest(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, publicKey: string): ApiRequest<{ name: string; public_key: string }> {
  return { path: '/v2/account/keys', body: { name: buildName(request), public_key: publicKey } };
}
