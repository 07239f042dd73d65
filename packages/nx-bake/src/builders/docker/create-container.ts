import type Docker from 'dockerode';
import type { BuildRequest } from '../builder';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import { deleteDockerContainer } from './inventory';
import type { DockerBuildState } from './state';
import { systemdContainerSettings } from './systemd';

/**
 * Keeps the container alive for the provisioners. Only the entrypoint is replaced (with an empty Cmd), so
 * the commit can put the base image's own Entrypoint and Cmd back. Under `Init`, SIGTERM ends it at once.
 */
const KEEP_ALIVE = ['/bin/sh', '-c', 'while :; do sleep 3600; done'];

/**
 * Creates and starts the build container (with `systemd: true`, booting the image's systemd instead of
 * the keep-alive; see systemd.ts). Its cleanup removes it — on success, failure and interrupt —
 * unless the runner's caller set `state.keepInstance` (a failure with `onError: abort`), to debug it.
 */
export function createContainerStep(docker: Docker, request: BuildRequest, config: DockerBuilderConfig): Step<DockerBuildState> {
  return {
    name: 'create-container',
    async run(state, { signal, log }) {
      const systemd = config.systemd ? await systemdContainerSettings(docker) : undefined;
      const binds = [...(systemd?.Binds ?? []), ...config.volumes];
      // CgroupnsMode (API 1.41) is missing from dockerode's types.
      const hostConfig: Docker.HostConfig & { CgroupnsMode?: string } = {
        Init: !systemd,
        NetworkMode: config.network,
        Privileged: config.privileged,
        Binds: binds.length ? binds : undefined,
        Tmpfs: systemd?.Tmpfs,
        CgroupnsMode: systemd?.CgroupnsMode,
      };
      const container = await docker.createContainer({
        Image: state.base?.id ?? request.baseImage,
        Entrypoint: systemd?.Entrypoint ?? KEEP_ALIVE,
        Cmd: [],
        Labels: request.labels,
        HostConfig: hostConfig,
      });
      state.containerId = container.id;
      request.journal?.created({ kind: 'container', id: container.id });
      log.info(`created container ${container.id.slice(0, 12)}${systemd ? ' (systemd as PID 1)' : ''}`);
      try {
        await container.start();
      } catch (error) {
        if (!systemd) throw error;
        throw new Error(`the container did not start its init (systemd: true needs systemd and systemd-sysv in the image, for /sbin/init): ${(error as Error).message}`);
      }
    },
    async cleanup(state, { log }) {
      const id = state.containerId;
      if (!id) return;
      if (state.keepInstance) {
        log.warn(`build failed: keeping container ${id} for debugging (on-error=abort)`);
        log.warn(`  inspect it with: docker exec -it ${id} sh`);
        log.warn(`  remove it with:  docker rm -f ${id}`);
        return;
      }
      await deleteDockerContainer(docker, id);
      request.journal?.removed({ kind: 'container', id });
      log.info(`removed container ${id.slice(0, 12)}`);
    },
  };
}
