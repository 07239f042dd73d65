import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const SPEC_FILE = 'digitalocean-v2-subset.openapi.json';

/**
 * Where the DigitalOcean OpenAPI subset lives: `NX_BAKE_DO_SPEC` when set, else the first
 * `shared/specs/<file>` found walking up from `from` (the repo is checked out at `<dir>/main`
 * with `<dir>/shared` beside it, so this finds `../shared/specs` from the repo root).
 */
export function resolveSpecPath(from: string = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.NX_BAKE_DO_SPEC;
  if (fromEnv) {
    const path = resolve(fromEnv);
    if (!existsSync(path)) throw new Error(`NX_BAKE_DO_SPEC points to ${path}, which does not exist`);
    return path;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'specs', SPEC_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`Cannot find shared/specs/${SPEC_FILE} above ${from}; set NX_BAKE_DO_SPEC to its path`);
}
