import type { Step } from '../../steps/step';
import { pollUntil } from '../../util/poll';
import type { BuildRequest } from '../builder';
import { userDataOf } from '../shared/user-data';
import { ignoreNotFound, type ApiRequest, type DigitalOceanApi } from './api-client';
import type { DigitalOceanBuilderConfig } from './config';
import type { DigitalOceanBuildState } from './state';
import { imageIdOf, NX_BAKE_TAG, runTag, stageTag } from './tags';
import type { Droplet } from './types';

/** Creates the build droplet from the base (a slug, or the parent's snapshot) and waits until it is active. */
export function createDropletStep(api: DigitalOceanApi, request: BuildRequest, config: DigitalOceanBuilderConfig): Step<DigitalOceanBuildState> {
  return {
    name: 'create-droplet',
    async run(state, { log, signal }) {
      if (config.privateNetworking) log.info('private_networking: DigitalOcean gives every droplet an address in its region\'s VPC now (vpc_uuid picks one); nothing else to ask for');
      const create = createDropletRequest(request, config, state.keyId!, userDataOf(request, config));
      const { droplet } = await api.post<{ droplet: Droplet }>(create.path, create.body);
      state.dropletId = droplet.id;
      request.journal?.created({ kind: 'droplet', id: String(droplet.id) });
      log.info(`created droplet ${droplet.id} from ${create.body.image} (${config.region}, ${config.size})`);
      state.droplet = await pollUntil(
        `droplet ${droplet.id} to become active`,
        async () => {
          const current = (await api.get<{ droplet: Droplet }>(`/v2/droplets/${droplet.id}`)).droplet;
          return current.status === 'active' ? current : undefined;
        },
        { timeoutMs: config.stateTimeoutMs, intervalMs: config.pollIntervalMs, signal },
      );
      const address = state.droplet.networks.v4.find((network) => network.type === 'public')?.ip_address;
      if (!address) throw new Error(`droplet ${droplet.id} has no public IPv4 address`);
      state.host = address;
      log.info(`droplet ${droplet.id} is active at ${address}`);
    },
    async cleanup(state, { log }) {
      if (state.dropletId === undefined) return;
      if (state.keepInstance) {
        log.warn(`keeping droplet ${state.dropletId} (${state.host ?? 'no address'}) for debugging: ssh root@${state.host}; destroy it when done`);
        return;
      }
      await api.delete(`/v2/droplets/${state.dropletId}`).catch(ignoreNotFound);
      request.journal?.removed({ kind: 'droplet', id: String(state.dropletId) });
      log.info(`destroyed droplet ${state.dropletId}`);
    },
  };
}

/**
 * The droplet the build runs on: from the parent stage's snapshot (an artifact ID, `region:id`, whose
 * image ID DigitalOcean wants as a number) or from a distribution slug; with the build's key, and tagged so a
 * leak sweep finds it by its run.
 */
export function createDropletRequest(
  request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId' | 'baseImage'>,
  config: DigitalOceanBuilderConfig,
  keyId: number,
  userData = config.userData,
) {
  return {
    path: '/v2/droplets',
    body: {
      name: config.dropletName ?? `nx-bake-${request.stage}-${request.runId.slice(0, 8)}`,
      region: config.region,
      size: config.size,
      image: imageIdOf(request.baseImage) ?? request.baseImage,
      ssh_keys: [keyId],
      tags: [NX_BAKE_TAG, runTag(request.runId), stageTag(request.pipeline, request.stage), ...config.tags],
      user_data: userData,
      monitoring: config.monitoring,
      ipv6: config.ipv6,
      vpc_uuid: config.vpcUuid,
    },
  } satisfies ApiRequest;
}
