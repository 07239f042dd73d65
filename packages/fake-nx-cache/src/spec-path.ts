import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const SPEC_FILE = 'nx-remote-cache.openapi.json';

/**
 * Where Nx's remote cache spec lives: `NX_BAKE_NX_CACHE_SPEC` when set, else the first `shared/specs/<file>`
 * found walking up from `from` (in CI a copy of shared/ lies beside the clone: `<clone>/../shared/specs`).
 */
export function resolveSpecPath(from: string = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.NX_BAKE_NX_CACHE_SPEC;
  if (fromEnv) {
    const path = resolve(fromEnv);
    if (!existsSync(path)) throw new Error(`NX_BAKE_NX_CACHE_SPEC points to ${path}, which does not exist`);
    return path;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'specs', SPEC_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`Cannot find shared/specs/${SPEC_FILE} above ${from}; set NX_BAKE_NX_CACHE_SPEC to its path`);
}
