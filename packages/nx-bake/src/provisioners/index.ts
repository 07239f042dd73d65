import { sleep } from '../util/sleep';
import type { ProvisionerType } from '../pipeline/known-types';
import type { ProvisionerConfig } from '../pipeline/types';
import { parseDuration } from '../util/duration';
import { ansibleProvisioner } from './ansible';
import { fileProvisioner } from './file';
import type { Provisioner, ProvisionerContext } from './provisioner';
import { shellProvisioner } from './shell';

export type { Provisioner, ProvisionerContext } from './provisioner';
export { ansibleProvisioner, fileProvisioner, shellProvisioner };

// Keyed by the pipeline model's table of provisioner types: a type without a provisioner does not compile
// (known-types.spec.ts checks the config types and the schema name the same ones).
const provisioners: { [Type in ProvisionerType]: Provisioner<Extract<ProvisionerConfig, { type: Type }>> } = {
  shell: shellProvisioner,
  file: fileProvisioner,
  ansible: ansibleProvisioner,
};

/** Pause between attempts of a provisioner with `max_retries`. */
const RETRY_DELAY_MS = 1_000;

/**
 * Runs one provisioner with Packer's common fields: `only`/`except` (builder names), `pause_before`,
 * `max_retries` (the whole provisioner again) and `timeout` (aborts it, killing what it runs).
 */
export async function runProvisioner(config: ProvisionerConfig, context: ProvisionerContext): Promise<void> {
  const run = provisioners[config.type] as Provisioner | undefined;
  if (!run) throw new Error(`unknown provisioner type "${config.type}" (known: ${provisionerTypes().join(', ')})`);
  if (!appliesTo(config, context.builderName)) {
    context.log.info(`${config.type}: skipped for builder ${context.builderName} (only/except)`);
    return;
  }
  const retries = config.max_retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) throw new Error(`${config.type} provisioner: "max_retries" must be a whole number >= 0`);
  const timeoutMs = config.timeout ? parseDuration(config.timeout) : undefined;
  if (config.pause_before) {
    context.log.info(`${config.type}: pausing ${config.pause_before}`);
    await sleep(parseDuration(config.pause_before), context.signal);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTimeout(run, config, context, timeoutMs);
    } catch (error) {
      if (context.signal.aborted || attempt > retries) throw error;
      context.log.warn(`${config.type} provisioner failed (attempt ${attempt} of ${retries + 1}), retrying: ${(error as Error).message.split('\n')[0]}`);
      await sleep(RETRY_DELAY_MS, context.signal);
    }
  }
}

/** The provisioner types this module runs. */
export function provisionerTypes(): string[] {
  return Object.keys(provisioners);
}

export function appliesTo(config: Pick<ProvisionerConfig, 'only' | 'except'>, builderName: string): boolean {
  if (config.only && !config.only.includes(builderName)) return false;
  return !config.except?.includes(builderName);
}

async function withTimeout(run: Provisioner, config: ProvisionerConfig, context: ProvisionerContext, timeoutMs: number | undefined): Promise<void> {
  if (timeoutMs === undefined) return run(config, context);
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new Error(`timed out after ${config.timeout}`)), timeoutMs);
  try {
    return await run(config, { ...context, signal: AbortSignal.any([context.signal, timer.signal]) });
  } catch (error) {
    if (timer.signal.aborted && !context.signal.aborted) throw new Error(`${config.type} provisioner timed out after ${config.timeout}`);
    throw error;
  } finally {
    clearTimeout(timeout);
  }
}
