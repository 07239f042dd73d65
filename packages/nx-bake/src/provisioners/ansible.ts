import { existsSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AnsibleTarget } from '../communicators/communicator';
import type { AnsibleProvisionerConfig } from '../pipeline/types';
import { extraVars, inventory, removeFile, writePrivateFile } from './ansible-files';
import { parseEnvironmentList } from './environment';
import { runHostCommand } from './host-command';
import { mitogenInstance, probeMitogen } from './mitogen';
import { commandFailure } from './output-tail';
import type { Provisioner, ProvisionerContext } from './provisioner';

/**
 * Runs `ansible-playbook` on the build host against the instance, reached the way the communicator says
 * (for docker: `docker exec`, no sshd needed), with Mitogen's strategy when it is installed (below). The
 * extra-vars file can hold secrets: it is 0600 in the private temp folder and deleted as soon as the run
 * ends, however it ends.
 */
export const ansibleProvisioner: Provisioner<AnsibleProvisionerConfig> = async (config, context) => {
  if (!config.playbook) throw new Error('ansible provisioner: "playbook" is required');
  const playbook = resolve(context.pipelineDir, config.playbook);
  await access(playbook).catch(() => {
    throw new Error(`ansible provisioner: playbook ${config.playbook} not found (looked at ${playbook})`);
  });
  const mitogen = await mitogenStrategy(config, ansibleEnvironment(config, context), context);
  const target = withPython(context.communicator.ansibleTarget({ mitogen: mitogen !== undefined }), mitogen?.python);
  const env = { ...ansibleEnvironment(config, context, target.env), ...mitogen?.env };
  if (config.galaxy_file) await installRequirements(config.galaxy_file, env, context);

  let inventoryFile: string | undefined;
  let varsFile: string | undefined;
  try {
    inventoryFile = await writePrivateFile(context.tempDir, 'inventory', inventory(target, config));
    varsFile = await writePrivateFile(context.tempDir, 'extra-vars', JSON.stringify(extraVars(config, context)));
    const args = ['-i', inventoryFile, '--extra-vars', `@${varsFile}`, ...(target.args ?? []), ...(config.extra_arguments ?? []), playbook];
    context.log.info(`ansible: running ${config.playbook}${mitogen ? ' with Mitogen' : ''}`);
    const { exitCode, tail } = await runHostCommand('ansible-playbook', args, { cwd: context.pipelineDir, env, signal: context.signal, log: context.log });
    if (exitCode !== 0) throw commandFailure(`ansible provisioner: ansible-playbook ${config.playbook}`, exitCode, tail);
  } finally {
    await removeFile(varsFile);
    await removeFile(inventoryFile);
  }
};

/**
 * Mitogen runs each module in a Python it keeps running on the instance, over one connection, instead of
 * a new `docker exec`/ssh session and interpreter per task: a playbook of small tasks runs ~4× faster. Used
 * unless the provisioner says `mitogen: false` or the user chose a strategy; when it is missing, does not
 * support the installed ansible-core, or the instance cannot take it (see mitogenInstance), plain Ansible
 * runs after a one-line notice.
 */
async function mitogenStrategy(
  config: Pick<AnsibleProvisionerConfig, 'mitogen'>,
  env: NodeJS.ProcessEnv,
  context: Pick<ProvisionerContext, 'log' | 'communicator' | 'signal'>,
): Promise<{ env: Record<string, string>; python: string } | undefined> {
  if (config.mitogen === false || env.ANSIBLE_STRATEGY) return undefined;
  const [installed, instance] = await Promise.all([probeMitogen(env), mitogenInstance(context.communicator, context.signal)]);
  const plain = (reason: string) => {
    context.log.warn(`ansible: plain Ansible, not Mitogen: ${reason} (set mitogen: false to say so and silence this)`);
    return undefined;
  };
  if (!installed.usable) return plain(installed.reason);
  if (!instance.usable) return plain(instance.reason);
  return {
    env: { ANSIBLE_STRATEGY: 'mitogen_linear', ANSIBLE_STRATEGY_PLUGINS: [installed.strategyDir, env.ANSIBLE_STRATEGY_PLUGINS].filter(Boolean).join(':') },
    python: instance.python,
  };
}

/** The instance's Python as an inventory variable: play and extra vars still win over it. */
function withPython(target: AnsibleTarget, python: string | undefined): AnsibleTarget {
  return python ? { ...target, inventoryVars: { ...target.inventoryVars, ansible_python_interpreter: python } } : target;
}

/** Ansible's own defaults, kept after our folders when the user set no search path of their own. */
const DEFAULT_SEARCH_PATHS = {
  ANSIBLE_COLLECTIONS_PATH: '~/.ansible/collections:/usr/share/ansible/collections',
  ANSIBLE_ROLES_PATH: '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles',
};

/**
 * ansible-playbook's environment. Content vendored in the stage folder (`collections/ansible_collections/…`,
 * `roles/…`) and what `galaxy_file` installed come first on Ansible's search paths, so a stage needs no
 * configuration to use third-party roles and collections, wherever its playbook sits; a search path the
 * user set (in `ansible_env_vars` or the environment) follows them, else Ansible's default does.
 */
export function ansibleEnvironment(
  config: Pick<AnsibleProvisionerConfig, 'ansible_env_vars' | 'galaxy_file'>,
  context: Pick<ProvisionerContext, 'tempDir' | 'stageDir'>,
  targetEnv: Record<string, string> = {},
  isTTY = Boolean(process.stdout.isTTY),
): NodeJS.ProcessEnv {
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
  const own = { ...env, ...targetEnv, ...parseEnvironmentList(config.ansible_env_vars, 'ansible provisioner: ansible_env_vars') };
  for (const [name, fallback] of Object.entries(DEFAULT_SEARCH_PATHS)) {
    const kind = name === 'ANSIBLE_ROLES_PATH' ? 'roles' : 'collections';
    const first = [
      ...(context.stageDir && existsSync(join(context.stageDir, kind)) ? [join(context.stageDir, kind)] : []),
      ...(config.galaxy_file ? [installDir(context.tempDir, kind)] : []),
    ];
    if (first.length > 0) own[name] = [...first, own[name] || fallback].join(':');
  }
  return own;
}

function installDir(tempDir: string, kind: 'roles' | 'collections'): string {
  return join(tempDir, kind);
}

/**
 * `ansible-galaxy` installs the requirements file's roles and collections into the build's temp folder,
 * from Galaxy or from local files: it runs in the file's folder, so a relative `src` (a role tarball) or
 * collection `name` (a tarball with `type: file`, a folder with `type: dir`) is relative to the file.
 */
async function installRequirements(galaxyFile: string, env: NodeJS.ProcessEnv, context: ProvisionerContext): Promise<void> {
  const file = resolve(context.pipelineDir, galaxyFile);
  const requirements: unknown = parseYaml(await readFile(file, 'utf8'));
  // The old form is a plain list of roles; the new one a map of `roles` and `collections`.
  const entries = (kind: 'roles' | 'collections'): unknown =>
    Array.isArray(requirements) ? (kind === 'roles' ? requirements : []) : (requirements as Record<string, unknown> | null)?.[kind];
  for (const kind of ['roles', 'collections'] as const) {
    const listed = entries(kind);
    if (!Array.isArray(listed) || listed.length === 0) continue;
    context.log.info(`ansible: installing ${kind} from ${galaxyFile}`);
    const command = [kind === 'roles' ? 'role' : 'collection', 'install', '-r', file, '-p', installDir(context.tempDir, kind)];
    const { exitCode, tail } = await runHostCommand('ansible-galaxy', command, { cwd: dirname(file), env, signal: context.signal, log: context.log });
    if (exitCode !== 0) throw commandFailure(`ansible provisioner: ansible-galaxy ${command.slice(0, 3).join(' ')} ${galaxyFile}`, exitCode, tail);
  }
}
