import type { TemplateBlock, TemplateField, TemplateValue } from '../template';
import { parseExtraVars } from './extra-vars';
import type { Report } from './report';
import type { StageFiles } from './stage-files';

type Config = Record<string, TemplateValue>;

/** How a provisioner's fields reach the pipeline: kept, read as a path, or turned into something else. */
interface MapContext {
  report: Report;
  files: StageFiles;
  /** The pipeline's name of a Packer builder named in `only`/`except`. */
  builderKey(name: string): string | undefined;
}

const COMMON = ['pause_before', 'max_retries', 'timeout'];

const SHELL_KEPT = ['inline', 'environment_vars', 'execute_command', 'expect_disconnect', 'inline_shebang', 'remote_folder'];
const FILE_KEPT = ['destination', 'direction', 'content'];
const ANSIBLE_KEPT = ['ansible_env_vars', 'groups', 'user'];

/** Why an ansible provisioner's field has no place here. */
const ANSIBLE_DROPPED_WHY: Record<string, string> = {
  inventory_directory: 'nx-bake writes the inventory itself, in the build’s temporary folder',
  inventory_file: 'nx-bake writes the inventory itself, in the build’s temporary folder',
  host_alias: 'nx-bake names the host in the inventory it writes',
  use_proxy: 'Ansible connects straight to the instance (docker exec or SSH), with no proxy in between',
  local_port: 'Ansible connects straight to the instance, with no proxy port',
  sftp_command: 'files go over the communicator’s own channel',
  use_sftp: 'files go over the communicator’s own channel',
  keep_inventory_file: 'the inventory goes with the build’s temporary folder',
  skip_version_check: 'nx-bake checks nothing of Ansible’s version beyond Mitogen’s',
  roles_path: 'roles are found in the stage folder’s roles/ (copied beside the playbook) and through ANSIBLE_ROLES_PATH in ansible_env_vars',
  collections_path: 'collections are found in the stage folder’s collections/ and through ANSIBLE_COLLECTIONS_PATH in ansible_env_vars',
};

export function mapProvisioner(block: TemplateBlock, context: MapContext): Config | undefined {
  const { report } = context;
  const config: Config = { type: block.type };
  const done = new Set<string>(['type']);
  const field = (name: string): TemplateField | undefined => block.fields[name];
  const keep = (names: string[]) => {
    for (const name of names) {
      if (!field(name)) continue;
      config[name] = field(name)!.value;
      done.add(name);
      report.mapped(field(name)!.at, `${block.type} ${name}`);
    }
  };
  const path = (from: string, to: string, what: string, playbook = false) => {
    const written = field(from);
    if (!written) return;
    done.add(from);
    const value = written.value;
    config[to] = Array.isArray(value) ? value.map((item) => context.files.path(String(item), written.at, what)) : context.files.path(String(value), written.at, what, { playbook });
  };

  switch (block.type) {
    case 'shell':
      keep(SHELL_KEPT);
      path('script', 'script', 'script');
      path('scripts', 'scripts', 'script');
      if (field('env')) mapShellEnv(field('env')!, config, report, done);
      break;
    case 'file':
      path('source', 'source', 'file source');
      path('sources', 'sources', 'file source');
      keep(FILE_KEPT);
      break;
    case 'ansible':
      path('playbook_file', 'playbook', 'playbook', true);
      if (field('extra_arguments')) mapExtraArguments(field('extra_arguments')!, config, report, done);
      keep(ANSIBLE_KEPT);
      path('galaxy_file', 'galaxy_file', 'galaxy_file');
      if (field('command')) mapAnsibleCommand(field('command')!, config, report, done);
      for (const [name, why] of Object.entries(ANSIBLE_DROPPED_WHY)) {
        if (field(name)) report.dropped(field(name)!.at, `ansible ${name}: ${why}`);
        done.add(name);
      }
      break;
    default:
      report.dropped(block.at, `provisioner ${block.type}: nx-bake has shell, file and ansible provisioners`);
      return undefined;
  }

  for (const name of ['only', 'except']) {
    if (!field(name)) continue;
    done.add(name);
    const keys = (field(name)!.value as TemplateValue[]).map((builder) => ({ builder: String(builder), key: context.builderKey(String(builder).replace(/^source\./, '')) }));
    for (const unknown of keys.filter((entry) => entry.key === undefined)) report.dropped(field(name)!.at, `${name}: no builder ${unknown.builder} in this template`);
    config[name] = keys.flatMap((entry) => (entry.key ? [entry.key] : []));
    report.mapped(field(name)!.at, `${block.type} ${name}`);
  }
  keep(COMMON);
  for (const [name, { at }] of Object.entries(block.fields)) {
    if (!done.has(name)) report.dropped(at, `${block.type} ${name}: not a field of nx-bake's ${block.type} provisioner`);
  }
  return config;
}

/** Packer's shell `env` map: the same as environment_vars entries. */
function mapShellEnv(env: TemplateField, config: Config, report: Report, done: Set<string>): void {
  done.add('env');
  const pairs = Object.entries(env.value as Record<string, TemplateValue>).map(([name, value]) => `${name}=${String(value)}`);
  config.environment_vars = [...((config.environment_vars as string[] | undefined) ?? []), ...pairs];
  report.mapped(env.at, 'shell env → environment_vars');
}

/**
 * `-e`/`--extra-vars` with `k=v` pairs or a JSON object become the provisioner's `vars` (rendered into an
 * extra-vars file, so values with spaces or quotes survive); the other arguments are kept as they are.
 */
function mapExtraArguments(field: TemplateField, config: Config, report: Report, done: Set<string>): void {
  done.add('extra_arguments');
  const args = (field.value as TemplateValue[]).map(String);
  const kept: string[] = [];
  const vars: Record<string, TemplateValue> = {};
  for (let i = 0; i < args.length; i++) {
    const match = /^(?:-e|--extra-vars)(?:=(.*))?$/.exec(args[i]);
    const inline = match?.[1] !== undefined;
    const value = inline ? match![1] : args[i + 1];
    const parsed = match && value !== undefined ? parseExtraVars(value) : undefined;
    // Anything else (and `-e @file`) is kept; a following value is kept by the next turn.
    if (!parsed) {
      kept.push(args[i]);
      continue;
    }
    Object.assign(vars, parsed);
    if (!inline) i++;
  }
  if (Object.keys(vars).length > 0) {
    config.vars = vars;
    report.mapped(field.at, `ansible extra_arguments --extra-vars → vars (${Object.keys(vars).join(', ')})`);
  }
  if (kept.length > 0) {
    config.extra_arguments = kept;
    report.mapped(field.at, 'ansible extra_arguments');
  }
}

/** `command = "ANSIBLE_X=1 ansible-playbook"`: the assignments become ansible_env_vars. */
function mapAnsibleCommand(field: TemplateField, config: Config, report: Report, done: Set<string>): void {
  done.add('command');
  const words = String(field.value).trim().split(/\s+/);
  const assignments = words.filter((word) => /^[A-Za-z_]\w*=/.test(word));
  if (assignments.length > 0) config.ansible_env_vars = [...((config.ansible_env_vars as string[] | undefined) ?? []), ...assignments];
  const note = assignments.length > 0 ? `its assignments (${assignments.join(' ')}) → ansible_env_vars; ` : '';
  report.approximated(field.at, `ansible command: ${note}nx-bake runs the ansible-playbook on the PATH`);
}
