import type { Step } from '../../steps/step';
import { generateTemporaryKeyPair } from '../../communicators/ssh';
import type { BuildRequest } from '../builder';
import { ignoreNotFound, type DigitalOceanApi } from './api-client';
import type { DigitalOceanBuildState } from './state';
import type { SshKey } from './types';

/** A fresh key pair per build, its public half registered for the droplet and deleted again afterwards. */
export function createSshKeyStep(api: DigitalOceanApi, request: BuildRequest): Step<DigitalOceanBuildState> {
  return {
    name: 'create-ssh-key',
    async run(state, { log }) {
      const pair = generateTemporaryKeyPair(`nx-bake-${request.runId}`);
      state.privateKey = pair.privateKey;
      const { ssh_key } = await api.post<{ ssh_key: SshKey }>('/v2/account/keys', {
        name: `nx-bake-${request.pipeline}-${request.stage}-${request.runId.slice(0, 8)}`,
        public_key: pair.publicKey,
      });
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
