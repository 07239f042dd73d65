import type { Communicator } from '../../communicators/communicator';
import type { Step } from '../../steps/step';
import type { DockerBuilderConfig } from './config';
import type { DockerBuildState } from './state';

/** The states in which the boot is over and provisioners may run: `degraded` is a booted system with a failed unit. */
const BOOTED = ['running', 'degraded'];

// systemctl fails at once until PID 1 has opened its private socket, so wait for that first; then
// `is-system-running --wait` returns when the boot's jobs are done. Its last line is the state.
const WAIT_SCRIPT = [
  'while [ ! -S /run/systemd/private ]; do',
  '  [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || { echo "PID 1 is $(cat /proc/1/comm 2>/dev/null), not systemd" >&2; exit 3; }',
  '  sleep 0.2',
  'done',
  'systemctl is-system-running --wait 2>/dev/null',
  'true',
].join('\n');

/** Waits until the container's systemd has finished booting (`systemd: true`), within `systemd_timeout`. */
export function waitForSystemdStep(config: DockerBuilderConfig): Step<DockerBuildState> {
  return {
    name: 'wait-for-systemd',
    async run(state, { signal, log }) {
      const communicator = state.communicator;
      if (!communicator) throw new Error('no communicator to reach the container');
      const started = Date.now();
      let booted: string;
      try {
        booted = await output(communicator, WAIT_SCRIPT, { timeoutMs: config.systemdTimeoutMs, signal });
      } catch (error) {
        if (signal.aborted || (error as Error).name !== 'TimeoutError') throw error;
        const now = await output(communicator, 'systemctl is-system-running; systemctl list-jobs --no-legend | head -5', { timeoutMs: 10_000, signal }).catch(() => '');
        throw new Error(`systemd did not finish booting within ${config.systemdTimeoutMs / 1000}s (systemd_timeout); state and waiting jobs:\n${now || '(no answer)'}`);
      }
      const stateLine = booted.trim().split('\n').pop() ?? '';
      if (!BOOTED.includes(stateLine)) throw new Error(`systemd booted into state "${stateLine || 'unknown'}", not running or degraded`);
      log.info(`systemd is ${stateLine} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
      if (stateLine === 'degraded') {
        const failed = await output(communicator, 'systemctl --failed --no-legend --plain | cut -d" " -f1', { timeoutMs: 10_000, signal });
        log.warn(`failed units: ${failed.trim().split('\n').join(', ') || '(none listed)'}`);
      }
    },
  };
}

/** A command's standard output; a non-zero exit is an Error with its standard error. */
async function output(communicator: Communicator, command: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<string> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const result = await communicator.exec(command, { ...options, onStdout: (chunk) => stdout.push(chunk), onStderr: (chunk) => stderr.push(chunk) });
  if (result.exitCode !== 0) throw new Error(Buffer.concat(stderr).toString().trim() || `\`${command}\` exited ${result.exitCode ?? result.signal}`);
  return Buffer.concat(stdout).toString();
}
