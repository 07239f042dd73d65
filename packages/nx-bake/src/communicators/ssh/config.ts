import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDuration } from '../../util/duration';
import { parseHostKeyPolicy, type HostKeyPolicy } from './host-key';

/** How to reach and log in to one SSH server (the instance, or the bastion in front of it). */
export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  password?: string;
  /** Absolute path of a private key file (read at connect time). */
  privateKeyFile?: string;
  /** A private key held in memory (the build's temporary key), OpenSSH PEM. */
  privateKey?: string;
  /** Authenticate through the ssh-agent at SSH_AUTH_SOCK. */
  agentAuth: boolean;
  hostKey: HostKeyPolicy;
}

/** The SSH communicator's settings: Packer's `ssh_*` options, validated, with defaults filled in. */
export interface SshSettings extends SshEndpoint {
  /** How long to keep trying to connect (`ssh_timeout`, default 5m). */
  timeoutMs: number;
  /** Handshake failures tolerated once the port answers (`ssh_handshake_attempts`, default 10). */
  handshakeAttempts: number;
  /** SSH keep-alive interval; 0 disables it (`ssh_keep_alive_interval`, default 5s). */
  keepAliveIntervalMs: number;
  /** Wait before the first attempt (`pause_before_connecting`, default 0). */
  pauseBeforeConnectingMs: number;
  /** A jump host the connection to the instance is tunnelled through. */
  bastion?: SshEndpoint;
}

export const SSH_DEFAULTS = {
  ssh_port: 22,
  ssh_username: 'root',
  ssh_timeout: '5m',
  ssh_handshake_attempts: 10,
  ssh_keep_alive_interval: '5s',
  pause_before_connecting: '0',
  ssh_bastion_port: 22,
  ssh_host_key: 'accept-new',
} as const;

/** Every field this module reads; anything else starting with `ssh_` is a typo and is refused. */
export const SSH_FIELDS = [
  'ssh_host',
  'ssh_port',
  'ssh_username',
  'ssh_password',
  'ssh_private_key_file',
  'ssh_agent_auth',
  'ssh_timeout',
  'ssh_handshake_attempts',
  'ssh_keep_alive_interval',
  'pause_before_connecting',
  'ssh_host_key',
  'ssh_bastion_host',
  'ssh_bastion_port',
  'ssh_bastion_username',
  'ssh_bastion_password',
  'ssh_bastion_private_key_file',
  'ssh_bastion_agent_auth',
  'ssh_bastion_host_key',
] as const;

export interface ParseSshConfigOptions {
  /** The instance's address when `ssh_host` is not set (a builder knows it once the instance runs). */
  host?: string;
  /** The build's temporary private key (OpenSSH PEM): used when no other key is configured. */
  privateKey?: string;
  /** Folder relative key file paths resolve against (default: the current directory). */
  baseDir?: string;
  /** Prefix of error messages, e.g. `builder "do" (digitalocean)`. */
  label?: string;
  /** For `ssh_agent_auth`: the agent socket must exist. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Validates Packer-style `ssh_*` options (values may be strings, as templates render them) and fills in the
 * defaults. All problems are reported at once in one Error.
 */
export function parseSshConfig(raw: Record<string, unknown>, options: ParseSshConfigOptions = {}): SshSettings {
  const problems: string[] = [];
  const label = options.label ? `${options.label}: ` : '';
  const env = options.env ?? process.env;
  const fail = (field: string, problem: string): undefined => {
    problems.push(`"${field}" ${problem}`);
    return undefined;
  };

  for (const field of Object.keys(raw)) {
    if ((field.startsWith('ssh_') || field === 'pause_before_connecting') && !(SSH_FIELDS as readonly string[]).includes(field)) {
      fail(field, `is not an SSH option (known: ${SSH_FIELDS.join(', ')})`);
    }
  }

  const present = (field: string) => raw[field] !== undefined && raw[field] !== null && raw[field] !== '';
  const string = (field: string): string | undefined => {
    if (!present(field)) return undefined;
    const value = raw[field];
    return typeof value === 'string' ? value : fail(field, `must be a string, got ${JSON.stringify(value)}`);
  };
  const integer = (field: string, fallback: number, min: number, max: number): number => {
    if (!present(field)) return fallback;
    const value = raw[field];
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      fail(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return number;
  };
  const bool = (field: string): boolean => {
    if (!present(field)) return false;
    const value = raw[field];
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    fail(field, `must be true or false, got ${JSON.stringify(value)}`);
    return false;
  };
  const duration = (field: string, fallback: string, allowDisable = false): number => {
    const value = present(field) ? raw[field] : fallback;
    if (typeof value !== 'string') {
      fail(field, `must be a duration like 30s or 5m, got ${JSON.stringify(value)}`);
      return 0;
    }
    // Packer disables the keep-alive with a negative interval (`-1s`).
    if (allowDisable && value.trim().startsWith('-')) return 0;
    try {
      return parseDuration(value);
    } catch {
      fail(field, `must be a duration like 30s or 5m, got "${value}"`);
      return 0;
    }
  };
  const keyFile = (field: string): string | undefined => {
    const path = string(field);
    if (path === undefined) return undefined;
    if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
    return isAbsolute(path) ? path : resolve(options.baseDir ?? process.cwd(), path);
  };
  const hostKey = (field: string): HostKeyPolicy => {
    const value = raw[field] ?? SSH_DEFAULTS.ssh_host_key;
    try {
      return parseHostKeyPolicy(value);
    } catch (error) {
      fail(field, (error as Error).message);
      return { kind: 'accept-new' };
    }
  };
  const agent = (field: string): boolean => {
    const wanted = bool(field);
    if (wanted && !env.SSH_AUTH_SOCK) fail(field, 'is true but SSH_AUTH_SOCK is not set: no ssh-agent to use');
    return wanted;
  };

  const host = string('ssh_host') ?? options.host;
  if (!host) fail('ssh_host', 'is required (the instance address is not known)');

  const target: SshEndpoint = {
    host: host ?? '',
    port: integer('ssh_port', SSH_DEFAULTS.ssh_port, 1, 65_535),
    username: string('ssh_username') ?? SSH_DEFAULTS.ssh_username,
    password: string('ssh_password'),
    privateKeyFile: keyFile('ssh_private_key_file'),
    privateKey: options.privateKey,
    agentAuth: agent('ssh_agent_auth'),
    hostKey: hostKey('ssh_host_key'),
  };
  if (!target.password && !target.privateKeyFile && !target.privateKey && !target.agentAuth) {
    problems.push('no way to log in: set "ssh_private_key_file", "ssh_password" or "ssh_agent_auth" (or let the builder make a temporary key)');
  }

  let bastion: SshEndpoint | undefined;
  const bastionHost = string('ssh_bastion_host');
  if (bastionHost) {
    bastion = {
      host: bastionHost,
      port: integer('ssh_bastion_port', SSH_DEFAULTS.ssh_bastion_port, 1, 65_535),
      username: string('ssh_bastion_username') ?? target.username,
      password: string('ssh_bastion_password'),
      privateKeyFile: keyFile('ssh_bastion_private_key_file'),
      agentAuth: agent('ssh_bastion_agent_auth'),
      hostKey: hostKey('ssh_bastion_host_key'),
    };
    if (!bastion.password && !bastion.privateKeyFile && !bastion.agentAuth) {
      problems.push('"ssh_bastion_host" is set but there is no way to log in to it: set "ssh_bastion_private_key_file", "ssh_bastion_password" or "ssh_bastion_agent_auth"');
    }
  } else {
    for (const field of SSH_FIELDS.filter((name) => name.startsWith('ssh_bastion_'))) {
      if (present(field)) fail(field, 'needs "ssh_bastion_host"');
    }
  }

  const settings: SshSettings = {
    ...target,
    timeoutMs: duration('ssh_timeout', SSH_DEFAULTS.ssh_timeout),
    handshakeAttempts: integer('ssh_handshake_attempts', SSH_DEFAULTS.ssh_handshake_attempts, 1, 1_000),
    keepAliveIntervalMs: duration('ssh_keep_alive_interval', SSH_DEFAULTS.ssh_keep_alive_interval, true),
    pauseBeforeConnectingMs: duration('pause_before_connecting', SSH_DEFAULTS.pause_before_connecting),
    bastion,
  };
  if (problems.length > 0) throw new Error(`${label}invalid SSH settings:\n  - ${problems.join('\n  - ')}`);
  return settings;
}

/** `user@host:port`, for messages. */
export function describeEndpoint(endpoint: Pick<SshEndpoint, 'host' | 'port' | 'username'>): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.username}@${host}:${endpoint.port}`;
}
