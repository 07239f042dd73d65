import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const SPEC_FILE = 'digitalocean-v2-subset.openapi.json';

/**
 * Where an OpenAPI document of `shared/specs/` lives: `env[variable]` when set, else the first
 * `shared/specs/<file>` found walking up from `from` (the repo is checked out at `<dir>/main` with
 * `<dir>/shared` beside it, so this finds `../shared/specs` from the repo root). The fake Vault finds
 * its contract this way too.
 */
export function findSharedSpec(file: string, variable: string, from: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env[variable];
  if (fromEnv) {
    const path = resolve(fromEnv);
    if (!existsSync(path)) throw new Error(`${variable} points to ${path}, which does not exist`);
    return path;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'specs', file);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`Cannot find shared/specs/${file} above ${from}; set ${variable} to its path`);
}

/** The DigitalOcean OpenAPI subset: `NX_BAKE_DO_SPEC` when set, else found walking up (see `findSharedSpec`). */
export function resolveSpecPath(from: string = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  return findSharedSpec(SPEC_FILE, 'NX_BAKE_DO_SPEC', from, env);
}
