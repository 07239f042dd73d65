import type { BuilderConfig } from '../../pipeline/types';
import { ENV_NAME } from '../../pipeline/env-name';
import { ConfigFields } from '../config-fields';
import { registryOf } from './registry-ref';

/** The docker builder's configuration, validated and with defaults filled in. */
export interface DockerBuilderConfig {
  type: 'docker';
  /** Pull the base image when it is not present locally (never re-pulls a present image). */
  pull: boolean;
  /** Repository the committed image is tagged into; untagged when absent. */
  repository?: string;
  tag: string;
  /** Dockerfile instructions applied at commit (`docker commit --change`). */
  changes: string[];
  /** Extra image labels; the `nx-bake.*` labels of the request win over these. */
  labels: Record<string, string>;
  /** Container network mode, e.g. `host`. */
  network?: string;
  privileged: boolean;
  /** Bind mounts as `host:container[:options]`. */
  volumes: string[];
  /** Environment of every provisioner command (build time only: never baked into the image). */
  env: Record<string, string>;
  /** User provisioner commands run as (default: the image's user). */
  execUser?: string;
  /** Push the committed image to the registry `repository` names (push-image.ts). */
  push: boolean;
  /** Registry credentials (from sensitive variables); else Docker's own config is used. */
  registryUsername?: string;
  registryPassword?: string;
  /** The registry host the credentials are for (`login_server`); default: the one `repository` names. */
  registryServer?: string;
  /** Boot the image's systemd as PID 1 and provision once the system is up (see systemd.ts). */
  systemd: boolean;
  /** How long the boot may take before the build fails (`systemd_timeout`, default 2m). */
  systemdTimeoutMs: number;
}

/** The instructions the Engine's commit accepts in `changes`. */
export const COMMIT_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'WORKDIR', 'USER', 'LABEL', 'VOLUME', 'ONBUILD', 'HEALTHCHECK'];

// Docker's reference grammar, slightly simplified: optional registry host[:port], lowercase path components.
const REPOSITORY = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Validates a `type: docker` builder config; a bad field is an Error naming it. */
export function parseDockerBuilderConfig(raw: BuilderConfig, builderName = 'docker'): DockerBuilderConfig {
  const fields = new ConfigFields(raw, builderName, 'docker');
  const fail = fields.fail.bind(fields);
  const optionalString = fields.optionalString.bind(fields);
  const bool = (field: string) => fields.bool(field);
  const stringMap = fields.stringMap.bind(fields);
  const stringList = fields.stringList.bind(fields);

  const repository = optionalString('repository');
  if (repository !== undefined && !REPOSITORY.test(repository)) fail('repository', `"${repository}" is not a valid Docker repository name (lowercase, e.g. registry:5000/team/app)`);
  const tag = optionalString('tag') ?? 'latest';
  if (!TAG.test(tag)) fail('tag', `"${tag}" is not a valid Docker tag (letters, digits, _ . -; at most 128)`);

  const changes = stringList('changes');
  changes.forEach((change, index) => {
    const instruction = change.trim().split(/\s+/)[0]?.toUpperCase();
    if (!COMMIT_INSTRUCTIONS.includes(instruction)) fail(`changes[${index}]`, `must start with one of ${COMMIT_INSTRUCTIONS.join(', ')}, got "${change}"`);
  });

  return {
    type: 'docker',
    pull: bool('pull'),
    repository,
    tag,
    changes,
    labels: stringMap('labels'),
    network: optionalString('network'),
    privileged: bool('privileged'),
    volumes: parseVolumes(raw.volumes, fail),
    env: stringMap('env', ENV_NAME),
    execUser: optionalString('exec_user'),
    ...registryFields(fields, repository),
    systemd: bool('systemd'),
    systemdTimeoutMs: fields.duration('systemd_timeout', '2m'),
  };
}

/**
 * `push` needs a repository naming a registry. Credentials come by our names or by Packer's `login_*`, never
 * both names of one, and are for the registry `login_server` names (default: the repository's); Packer's
 * `login: true` only insists that they are given.
 */
function registryFields(fields: ConfigFields, repository: string | undefined): Pick<DockerBuilderConfig, 'push' | 'registryUsername' | 'registryPassword' | 'registryServer'> {
  const push = fields.bool('push');
  if (push && !registryOf(repository)) fields.fail('push', `needs a "repository" that names a registry (e.g. 127.0.0.1:5000/team/app), got ${JSON.stringify(repository ?? null)}`);
  const pick = (ours: string, packers: string) => {
    const [a, b] = [fields.optionalString(ours), fields.optionalString(packers)];
    if (a !== undefined && b !== undefined) fields.fail(packers, `and "${ours}" are the same setting: give one`);
    return a ?? b;
  };
  const registryUsername = pick('registry_username', 'login_username');
  const registryPassword = pick('registry_password', 'login_password');
  if ((registryUsername === undefined) !== (registryPassword === undefined)) fields.fail(registryUsername ? 'registry_password' : 'registry_username', 'is needed too: give both or neither');
  if (fields.bool('login') && registryUsername === undefined) fields.fail('login', 'needs "login_username" and "login_password" (or "registry_username" and "registry_password")');
  // Packer's examples write a URL (`https://registry.example.com/v1/`): the registry is its host.
  const registryServer = fields.optionalString('login_server')?.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return { push, registryUsername, registryPassword, registryServer };
}

/** Packer's map form (`host: container`) or Docker's bind strings (`host:container[:ro]`). */
function parseVolumes(value: unknown, fail: (field: string, problem: string) => never): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((bind, index) =>
      typeof bind === 'string' && bind.split(':').length >= 2 ? bind : fail(`volumes[${index}]`, 'must be "host:container[:options]"'),
    );
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([host, container]) =>
      typeof container === 'string' && container ? `${host}:${container}` : fail(`volumes.${host}`, 'must be the container path (a string)'),
    );
  }
  return fail('volumes', 'must be a map of host paths to container paths, or a list of "host:container" binds');
}
