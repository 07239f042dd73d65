import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AnsibleProvisionerConfig } from '../pipeline/types';
import { extraVars, inventory, removeFile, writePrivateFile } from './ansible-files';
import { parseEnvironmentList } from './environment';
import { runHostCommand } from './host-command';
import { commandFailure } from './output-tail';
import type { Provisioner, ProvisionerContext } from './provisioner';

/**
 * Runs `ansible-playbook` on the build host against the instance, reached the way the communicator says
 * (for docker: the community.docker.docker connection, no sshd needed). The extra-vars file can hold secrets:
 * it is 0600 in the private temp folder and deleted as soon as the run ends, however it ends.
 */
export const ansibleProvisioner: Provisioner<AnsibleProvisionerConfig> = async (config, context) => {
  if (!config.playbook) throw new Error('ansible provisioner: "playbook" is required');
  const playbook = resolve(context.pipelineDir, config.playbook);
  await access(playbook).catch(() => {
    throw new Error(`ansible provisioner: playbook ${config.playbook} not found (looked at ${playbook})`);
  });
  const target = context.communicator.ansibleTarget();
  const env = ansibleEnvironment(config, context, target.env);
  if (config.galaxy_file) await installRoles(config.galaxy_file, env, context);

  let inventoryFile: string | undefined;
  let varsFile: string | undefined;
  try {
    inventoryFile = await writePrivateFile(context.tempDir, 'inventory', inventory(target, config));
    varsFile = await writePrivateFile(context.tempDir, 'extra-vars', JSON.stringify(extraVars(config, context)));
    const args = ['-i', inventoryFile, '--extra-vars', `@${varsFile}`, ...(target.args ?? []), ...(config.extra_arguments ?? []), playbook];
    context.log.info(`ansible: running ${config.playbook}`);
    const { exitCode, tail } = await runHostCommand('ansible-playbook', args, { cwd: context.pipelineDir, env, signal: context.signal, log: context.log });
    if (exitCode !== 0) throw commandFailure(`ansible provisioner: ansible-playbook ${config.playbook}`, exitCode, tail);
  } finally {
    await removeFile(varsFile);
    await removeFile(inventoryFile);
  }
};

export function ansibleEnvironment(config: Pick<AnsibleProvisionerConfig, 'ansible_env_vars' | 'galaxy_file'>, context: Pick<ProvisionerContext, 'tempDir'>, targetEnv: Record<string, string> = {}, isTTY = Boolean(process.stdout.isTTY)): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  };
  // Colour codes only help a terminal; in logs and CI they are noise.
  delete env.ANSIBLE_FORCE_COLOR;
  delete env.ANSIBLE_NOCOLOR;
  if (isTTY) env.ANSIBLE_FORCE_COLOR = '1';
  else env.ANSIBLE_NOCOLOR = '1';
  if (config.galaxy_file) env.ANSIBLE_ROLES_PATH = [rolesDir(context.tempDir), process.env.ANSIBLE_ROLES_PATH].filter(Boolean).join(':');
  return { ...env, ...targetEnv, ...parseEnvironmentList(config.ansible_env_vars, 'ansible provisioner: ansible_env_vars') };
}

function rolesDir(tempDir: string): string {
  return join(tempDir, 'roles');
}

async function installRoles(galaxyFile: string, env: NodeJS.ProcessEnv, context: ProvisionerContext): Promise<void> {
  const file = resolve(context.pipelineDir, galaxyFile);
  context.log.info(`ansible: installing roles from ${galaxyFile}`);
  const { exitCode, tail } = await runHostCommand('ansible-galaxy', ['install', '-r', file, '-p', rolesDir(context.tempDir)], {
    cwd: context.pipelineDir,
    env,
    signal: context.signal,
    log: context.log,
  });
  if (exitCode !== 0) throw commandFailure(`ansible provisioner: ansible-galaxy install -r ${galaxyFile}`, exitCode, tail);
}
