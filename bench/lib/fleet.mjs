// Case 10's fleet: the loopback registry and runner B's engine that scripts/start-registry.sh and
// start-docker-b.sh start (both idempotent, as the tests call them), a Docker login for both runners, and
// Nx's self-hosted remote cache (fake-nx-cache, in this process, checked against its spec).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { repoRoot, sh } from './util.mjs';

const require = createRequire(import.meta.url);

export async function startFleet({ workDir, cleanup, pluginDir }) {
  for (const script of ['start-registry.sh', 'start-docker-b.sh']) sh('bash', [join(repoRoot, 'scripts', script)]);
  const registry = `127.0.0.1:${process.env.NX_BAKE_REGISTRY_PORT ?? 5055}`;
  const dockerHostB = `unix:///run/${process.env.NX_BAKE_DOCKER_B ?? 'nx-bake-docker-b'}.sock`;
  const [username, ...rest] = readFileSync(join(process.env.NX_BAKE_REGISTRY_DIR ?? '/var/lib/nx-bake-registry', 'credentials'), 'utf8').trim().split(':');
  const credentials = { username, password: rest.join(':'), serveraddress: registry };
  // As `docker login` leaves it, for both runners' bakes and the reference's `docker pull`.
  const dockerConfig = join(workDir, 'docker-config');
  mkdirSync(dockerConfig, { recursive: true });
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${username}:${credentials.password}`).toString('base64') } } }), { mode: 0o600 });

  const cacheDir = join(repoRoot, 'packages/fake-nx-cache');
  if (!existsSync(join(cacheDir, 'dist/index.js'))) sh('npx', ['tsc', '-p', join(cacheDir, 'tsconfig.json')], { cwd: repoRoot });
  const { startFakeNxCache } = require(join(cacheDir, 'dist/index.js'));
  const token = `bench-${randomUUID()}`;
  const cache = await startFakeNxCache({ tokens: [token] });
  const stopCache = cleanup.add('fake Nx remote cache', () => cache.stop());
  // The plugin's own registry client (the snapshot under measurement) deletes what an iteration pushed.
  const { RegistryClient } = require(join(pluginDir, 'dist/builders/docker/registry-client.js'));
  const client = new RegistryClient(registry, credentials);

  return {
    registry,
    dockerHostB,
    dockerConfig,
    cacheEnv: { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token },
    /** Every manifest of the repository, by digest (so every tag goes). */
    async removeRepository(name) {
      const digests = new Set();
      for (const tag of await client.tags(name)) {
        const manifest = await client.manifest(name, tag);
        if (manifest) digests.add(manifest.digest);
      }
      for (const digest of digests) await client.deleteManifest(name, digest);
    },
    violations: () => cache.violations(),
    stop: stopCache,
  };
}
