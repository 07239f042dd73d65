import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import nunjucks from 'nunjucks';
import type { Communicator, ExecResult } from '../communicators/communicator';
import type { ShellProvisionerConfig } from '../pipeline/types';
import { shellQuote } from '../util/shell-quote';
import { parseEnvironmentList } from './environment';
import { commandFailure, OutputTail } from './output-tail';
import type { Provisioner, ProvisionerContext } from './provisioner';

/** Packer's `{{.Vars}} {{.Path}}`, with the chmod Packer's default does too. */
export const DEFAULT_EXECUTE_COMMAND = 'chmod +x {{ path }}; {{ vars }} {{ path }}';

// Autoescaping is for HTML: it would turn the quotes of `vars` into entities.
const templates = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

interface Script {
  /** What the log and errors call it: `inline` or the script's path as written. */
  name: string;
  body: Buffer;
}

/** Runs inline commands or local scripts on the instance, each uploaded and run through `execute_command`. */
export const shellProvisioner: Provisioner<ShellProvisionerConfig> = async (config, context) => {
  const scripts = await scriptsOf(config, context.pipelineDir);
  const vars = environmentAssignments(config, context);
  for (const script of scripts) await runScript(script, vars, config, context);
};

async function scriptsOf(config: ShellProvisionerConfig, pipelineDir: string): Promise<Script[]> {
  const given = [config.inline, config.script, config.scripts].filter((source) => source !== undefined);
  if (given.length !== 1) throw new Error('shell provisioner: exactly one of "inline", "script" or "scripts" is required');
  if (config.inline) {
    const shebang = config.inline_shebang ?? '/bin/sh -e';
    return [{ name: 'inline', body: Buffer.from(`#!${shebang}\n${config.inline.join('\n')}\n`) }];
  }
  const paths = config.script !== undefined ? [config.script] : config.scripts!;
  return Promise.all(
    paths.map(async (path) => {
      try {
        return { name: path, body: await readFile(resolve(pipelineDir, path)) };
      } catch (error) {
        throw new Error(`shell provisioner: cannot read script ${path}: ${(error as Error).message}`);
      }
    }),
  );
}

/** `KEY='value' ...` for `{{ vars }}`, plus the builder facts Packer also passes (PACKER_BUILD_NAME, ...). */
export function environmentAssignments(config: Pick<ShellProvisionerConfig, 'environment_vars'>, context: Pick<ProvisionerContext, 'builderName' | 'builderType'>): string {
  const env = {
    NX_BAKE_BUILD_NAME: context.builderName,
    NX_BAKE_BUILDER_TYPE: context.builderType,
    ...parseEnvironmentList(config.environment_vars, 'shell provisioner: environment_vars'),
  };
  return Object.entries(env)
    .map(([key, value]) => `${key}=${shellQuote(value)}`)
    .join(' ');
}

async function runScript(script: Script, vars: string, config: ShellProvisionerConfig, context: ProvisionerContext): Promise<void> {
  const { communicator, log, signal } = context;
  const path = posix.join(config.remote_folder ?? '/tmp', `script_${randomBytes(6).toString('hex')}.sh`);
  log.info(`shell: running ${script.name}`);
  await communicator.upload(script.body, path, { mode: 0o755, signal });
  const command = templates.renderString(config.execute_command ?? DEFAULT_EXECUTE_COMMAND, { path, vars });
  const tail = new OutputTail();
  let result: ExecResult;
  try {
    result = await communicator.exec(command, {
      signal,
      onStdout: (chunk) => (log.output('stdout', chunk), tail.write('stdout', chunk)),
      onStderr: (chunk) => (log.output('stderr', chunk), tail.write('stderr', chunk)),
    });
  } catch (error) {
    // A reboot or a stopped instance can also surface as a failed request rather than an exit status.
    if (!config.expect_disconnect || signal.aborted) throw error;
    result = { exitCode: null, signal: 'disconnected' };
  } finally {
    if (!signal.aborted) await removeQuietly(communicator, path);
  }
  if (config.expect_disconnect && (result.signal === 'disconnected' || result.exitCode === 255 || result.exitCode === null)) {
    log.info(`shell: ${script.name} disconnected, as expected`);
    return;
  }
  if (result.exitCode === null && result.signal === 'disconnected') {
    throw new Error(
      `shell provisioner: ${script.name}: the connection to the instance dropped while it ran, so it has no exit status; if the script reboots the instance or restarts sshd on purpose, set expect_disconnect: true`,
    );
  }
  if (result.exitCode !== 0) throw commandFailure(`shell provisioner: ${script.name}`, result.exitCode, tail);
}

async function removeQuietly(communicator: Communicator, path: string): Promise<void> {
  try {
    await communicator.exec(`rm -f ${shellQuote(path)}`, { timeoutMs: 10_000 });
  } catch {
    // The instance may have gone away (expect_disconnect); a stray script in /tmp is harmless.
  }
}
