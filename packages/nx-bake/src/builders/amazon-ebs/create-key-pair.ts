import { DeleteKeyPairCommand, ImportKeyPairCommand, type ImportKeyPairCommandInput } from '@aws-sdk/client-ec2';
import { generateTemporaryKeyPair } from '../../communicators/ssh';
import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import { ec2Call, ignoreNotFound, type Ec2Clients } from './ec2-client';
import type { AmazonEbsBuildState } from './state';
import { buildName, buildResourceTags, tagSpecifications } from './tags';

/** A fresh key pair per build: generated here (the private half never leaves this process), its public half imported. */
export function createKeyPairStep(ec2: Ec2Clients, request: BuildRequest): Step<AmazonEbsBuildState> {
  return {
    name: 'create-key-pair',
    async run(state, { log, signal }) {
      const pair = generateTemporaryKeyPair(`nx-bake-${request.runId}`);
      state.privateKey = pair.privateKey;
      const input = importKeyPairRequest(request, pair.publicKey);
      await ec2Call('ImportKeyPair', ec2.home.send(new ImportKeyPairCommand(input), { abortSignal: signal }));
      state.keyName = input.KeyName;
      request.journal?.created({ kind: 'key-pair', id: input.KeyName!, runId: request.runId, pipeline: request.pipeline });
      log.info(`imported temporary key pair ${input.KeyName}`);
    },
    async cleanup(state, { log }) {
      if (state.keyName === undefined || state.keepInstance) return;
      await ec2.home.send(new DeleteKeyPairCommand({ KeyName: state.keyName })).catch(ignoreNotFound);
      request.journal?.removed({ kind: 'key-pair', id: state.keyName });
      log.info(`deleted temporary key pair ${state.keyName}`);
      state.privateKey = undefined;
    },
  };
}

export function importKeyPairRequest(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, publicKey: string): ImportKeyPairCommandInput {
  return {
    KeyName: buildName(request),
    PublicKeyMaterial: new TextEncoder().encode(publicKey),
    TagSpecifications: tagSpecifications(['key-pair'], buildResourceTags(request)),
  };
}
