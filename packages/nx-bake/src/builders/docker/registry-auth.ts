import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerBuilderConfig } from './config';

/** What the engine (X-Registry-Auth) and the registry API (Basic, or a token request) are given. */
export interface RegistryCredentials {
  username: string;
  password: string;
  serveraddress: string;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/**
 * Credentials for a registry host: the builder's `registry_username`/`registry_password` (Packer's
 * `login_username`/`login_password`), meant to come from sensitive variables, for the registry
 * `login_server` or else its repository names; else Docker's own config (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`, as
 * `docker login` leaves it: `auths`, `credHelpers`, `credsStore`). None: the registry is asked anonymously.
 */
export function credentialsFor(host: string, config: Pick<DockerBuilderConfig, 'registryUsername' | 'registryPassword' | 'repository' | 'registryServer'>, env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const configured = config.registryServer ?? config.repository?.split('/')[0];
  if (config.registryUsername && config.registryPassword && configured === host) {
    return { username: config.registryUsername, password: config.registryPassword, serveraddress: host };
  }
  return fromDockerConfig(host, env);
}

function fromDockerConfig(host: string, env: NodeJS.ProcessEnv): RegistryCredentials | undefined {
  const file = join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return undefined;
  let parsed: DockerConfigFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as DockerConfigFile;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const helper = parsed.credHelpers?.[host] ?? parsed.credsStore;
  if (helper) {
    const fromHelper = fromCredentialHelper(helper, host);
    if (fromHelper) return fromHelper;
  }
  const entry = parsed.auths?.[host] ?? parsed.auths?.[`http://${host}`] ?? parsed.auths?.[`https://${host}`];
  if (!entry) return undefined;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: host };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password, serveraddress: host };
  return undefined;
}

/** `docker-credential-<helper> get`, given the host on stdin, answers `{ Username, Secret }`. */
function fromCredentialHelper(helper: string, host: string): RegistryCredentials | undefined {
  const result = spawnSync(`docker-credential-${helper}`, ['get'], { input: host, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0 || !result.stdout) return undefined;
  try {
    const { Username, Secret } = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
    return Username && Secret ? { username: Username, password: Secret, serveraddress: host } : undefined;
  } catch {
    return undefined;
  }
}
