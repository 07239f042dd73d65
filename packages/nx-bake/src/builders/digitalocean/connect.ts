import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import { sshConnectStep } from '../shared/connect-ssh';
import type { DigitalOceanBuilderConfig } from './config';
import type { DigitalOceanBuildState } from './state';

export { sshFields } from '../shared/connect-ssh';

/** SSH to the droplet's public address with the build's temporary key. */
export function connectStep(request: BuildRequest, config: DigitalOceanBuilderConfig): Step<DigitalOceanBuildState> {
  return sshConnectStep(request, 'digitalocean', config.ssh);
}
