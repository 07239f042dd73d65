import { join } from 'node:path';
import { shellQuote } from '../../util/shell-quote';
import type { AnsibleTarget } from '../communicator';
import type { SshSettings } from './config';

export interface SshAnsibleTargetInput {
  settings: SshSettings;
  /** The key file ansible's ssh logs in with (the configured one, or the temporary key written to disk). */
  privateKeyFile?: string;
  /** A private folder for ssh's ControlMaster sockets (short: a socket path has ~100 bytes). */
  controlDir: string;
  /** Mitogen keeps one connection of its own for the run: no ControlMaster. */
  mitogen?: boolean;
}

/**
 * How ansible-playbook reaches the instance over its own ssh: the same host, port, user and key as the
 * communicator, one multiplexed connection (ControlMaster, or Mitogen's own) for the whole run, pipelining on, and a
 * ProxyCommand through the bastion when there is one. Host keys are not checked by ansible's ssh (the
 * instance is new and its key unknown to known_hosts); the communicator has already verified it.
 */
export function sshAnsibleTarget({ settings, privateKeyFile, controlDir, mitogen }: SshAnsibleTargetInput): AnsibleTarget {
  const options = ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null'];
  if (!mitogen) options.push('ControlMaster=auto', 'ControlPersist=60s', `ControlPath=${join(controlDir, 'cm-%C')}`);
  if (privateKeyFile) options.push('IdentitiesOnly=yes');
  if (settings.bastion) options.push(`ProxyCommand=${proxyCommand(settings.bastion)}`);

  const inventoryVars: Record<string, string> = {
    ansible_connection: 'ssh',
    ansible_host: settings.host,
    ansible_port: String(settings.port),
    ansible_user: settings.username,
    ansible_ssh_common_args: options.flatMap((option) => ['-o', option]).map(shlexQuote).join(' '),
  };
  if (privateKeyFile) inventoryVars.ansible_ssh_private_key_file = privateKeyFile;
  // Password logins need sshpass on the build host, as with Packer; the inventory file is private and short-lived.
  else if (settings.password !== undefined && !settings.agentAuth) inventoryVars.ansible_password = settings.password;

  return {
    inventoryVars,
    env: {
      ANSIBLE_PIPELINING: 'True',
      ANSIBLE_SSH_PIPELINING: 'True',
      ANSIBLE_HOST_KEY_CHECKING: 'False',
    },
  };
}

/** `ssh -W %h:%p` through the bastion, as ssh runs it (`sh -c`); `%` is ssh's token character. */
function proxyCommand(bastion: NonNullable<SshSettings['bastion']>): string {
  if (!bastion.privateKeyFile && !bastion.agentAuth) {
    throw new Error(
      'ansible cannot reach the instance through a bastion that only accepts a password (ssh cannot be given one non-interactively): set ssh_bastion_private_key_file or ssh_bastion_agent_auth',
    );
  }
  const word = (text: string) => shellQuote(text).replace(/%/g, '%%');
  const args = [
    'ssh',
    '-W',
    '%h:%p',
    '-p',
    String(bastion.port),
    '-l',
    word(bastion.username),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    ...(bastion.privateKeyFile ? ['-i', word(bastion.privateKeyFile), '-o', 'IdentitiesOnly=yes'] : []),
    word(bastion.host),
  ];
  return args.join(' ');
}

/** Quotes one word for Python's shlex.split, which is how ansible splits ansible_ssh_common_args. */
function shlexQuote(word: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  return `"${word.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
