import type Docker from 'dockerode';
import type { Step } from '../../steps/step';
import { sleep } from '../../util/sleep';
import type { DockerBuildState } from './state';
import { SYSTEMD_HALT_SIGNAL } from './systemd';

/** How long systemd may take to stop its services and exit before the engine kills what is left. */
const HALT_TIMEOUT_MS = 30_000;

/**
 * Stops the container so nothing writes to its filesystem while it is committed. A booted systemd is
 * halted (SIGRTMIN+3): its services stop in order and flush their files before the commit.
 */
export function stopContainerStep(docker: Docker, systemd = false): Step<DockerBuildState> {
  return {
    name: 'stop-container',
    async run(state, { signal, log }) {
      if (!state.containerId) throw new Error('no container to stop');
      const container = docker.getContainer(state.containerId);
      if (systemd && (await halt(container, signal))) return;
      if (systemd) log.warn(`systemd did not halt within ${HALT_TIMEOUT_MS / 1000}s: stopping the container`);
      try {
        await container.stop({ t: 10 });
      } catch (error) {
        // 304: already stopped, which is what we want.
        if ((error as { statusCode?: number }).statusCode !== 304) throw error;
      }
    },
  };
}

/** Sends systemd its halt signal and waits for the container to exit; false when it did not in time. */
async function halt(container: Docker.Container, signal: AbortSignal): Promise<boolean> {
  try {
    await container.kill({ signal: SYSTEMD_HALT_SIGNAL });
  } catch (error) {
    // 409: not running (it stopped by itself), which is what we want.
    if ((error as { statusCode?: number }).statusCode === 409) return true;
    throw error;
  }
  const deadline = Date.now() + HALT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!(await container.inspect()).State.Running) return true;
    await sleep(250, signal);
  }
  return false;
}
