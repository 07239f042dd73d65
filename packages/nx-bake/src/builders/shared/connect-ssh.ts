import { connectSshCommunicator } from '../../communicators/ssh';
import type { Step } from '../../steps/step';
import type { BuildRequest, BuildState } from '../builder';

/** What a cloud builder's earlier steps leave for the SSH connection: the instance's address and the build's key. */
export interface SshTargetState extends BuildState {
  host?: string;
  privateKey?: string;
}

/** SSH to the instance's address with the build's temporary key; one connection serves every provisioner. */
export function sshConnectStep(request: BuildRequest, builderType: string, ssh: Record<string, unknown>): Step<SshTargetState> {
  return {
    name: 'connect',
    async run(state, { log, signal }) {
      state.communicator = await connectSshCommunicator(sshFields({ ssh }, state.host!, state.privateKey!), signal, {
        label: `builder "${request.builderName}" (${builderType})`,
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

/** The builder's `ssh_*` fields, aimed at the instance's address (whatever `ssh_host` said) with the build's temporary key. */
export function sshFields(config: { ssh: Record<string, unknown> }, host: string, privateKey: string): Record<string, unknown> & { privateKey: string } {
  return { ...config.ssh, ssh_host: host, privateKey };
}

/** The `ssh_*` fields (and `pause_before_connecting`) of a raw builder configuration, for the SSH communicator. */
export function sshFieldsOf(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([field]) => field.startsWith('ssh_') || field === 'pause_before_connecting'));
}
