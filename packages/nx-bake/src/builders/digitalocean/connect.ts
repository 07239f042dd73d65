import { connectSshCommunicator } from '../../communicators/ssh';
import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import type { DigitalOceanBuilderConfig } from './config';
import type { DigitalOceanBuildState } from './state';

/** SSH to the droplet's public address with the build's temporary key; one connection serves every provisioner. */
export function connectStep(request: BuildRequest, config: DigitalOceanBuilderConfig): Step<DigitalOceanBuildState> {
  return {
    name: 'connect',
    async run(state, { log, signal }) {
      state.communicator = await connectSshCommunicator(sshFields(config, state.host!, state.privateKey!), signal, {
        label: `builder "${request.builderName}" (digitalocean)`,
        tempDir: request.tempDir,
        log: (message) => log.info(message),
      });
      log.info(`connected over SSH to ${state.host}`);
    },
    async cleanup(state) {
      await state.communicator?.close();
      state.communicator = undefined;
    },
  };
}

/** The builder's `ssh_*` fields, aimed at the droplet's address (whatever `ssh_host` said) with the build's temporary key. */
export function sshFields(config: Pick<DigitalOceanBuilderConfig, 'ssh'>, host: string, privateKey: string): Record<string, unknown> & { privateKey: string } {
  return { ...config.ssh, ssh_host: host, privateKey };
}
