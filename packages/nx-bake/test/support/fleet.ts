import Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { watchEvents } from './docker';
import { repoRoot } from './workspace';

/**
 * A CI fleet on one machine: the loopback registry and the second Docker engine (runner B) that
 * scripts/start-registry.sh and start-docker-b.sh start (prepare-machine.sh runs them; so does `startFleet`,
 * as both are idempotent), and what tests need to count what each engine did.
 */
export const REGISTRY_PORT = Number(process.env.NX_BAKE_REGISTRY_PORT ?? 5055);
export const REGISTRY = `127.0.0.1:${REGISTRY_PORT}`;
const REGISTRY_DIR = process.env.NX_BAKE_REGISTRY_DIR ?? '/var/lib/nx-bake-registry';
export const DOCKER_HOST_B = `unix:///run/${process.env.NX_BAKE_DOCKER_B ?? 'nx-bake-docker-b'}.sock`;
export const dockerB = new Docker({ socketPath: DOCKER_HOST_B.slice('unix://'.length) });
export const dockerA = new Docker();

export function startFleet(): { username: string; password: string } {
  for (const script of ['start-registry.sh', 'start-docker-b.sh']) {
    const result = spawnSync('bash', [join(repoRoot, 'scripts', script)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`scripts/${script} failed:\n${result.stdout}${result.stderr}`);
  }
  return registryCredentials();
}

export function registryCredentials(): { username: string; password: string } {
  const [username, ...rest] = readFileSync(join(REGISTRY_DIR, 'credentials'), 'utf8').trim().split(':');
  return { username, password: rest.join(':') };
}

/** A DOCKER_CONFIG folder as `docker login <registry>` leaves it: runner A's credentials. */
export function dockerLogin(credentials: { username: string; password: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'nx-bake-docker-config-'));
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [REGISTRY]: { auth } } }, null, 2), { mode: 0o600 });
  return dir;
}

export interface EngineEvent {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
}

/** Watches an engine's container creates and image pulls, live, until `stop()`. */
export async function watchEngine(engine: Docker): Promise<{ stop(): Promise<EngineEvent[]> }> {
  const watch = await watchEvents(engine, { type: ['container', 'image'], event: ['create', 'pull'] });
  return { stop: async () => (await watch.stop()).map((event) => ({ type: event.Type, action: event.Action, id: event.id, attributes: event.Actor.Attributes })) };
}

/** `<pipeline>/<stage>` of each build container created with one of the fingerprints, sorted. */
export function buildsOf(events: EngineEvent[], fingerprints: Set<string>): string[] {
  return events
    .filter((event) => event.type === 'container' && event.action === 'create' && fingerprints.has(event.attributes['nx-bake.fingerprint']))
    .map((event) => `${event.attributes['nx-bake.pipeline']}/${event.attributes['nx-bake.stage']}`)
    .sort();
}

export function pullsOf(events: EngineEvent[], repository: string): string[] {
  return events.filter((event) => event.type === 'image' && event.action === 'pull' && event.id.startsWith(repository)).map((event) => event.id);
}

/** Fingerprints of every manifest under a workspace's dist/images. */
export function manifestFingerprints(root: string): Set<string> {
  const found = new Set<string>();
  const base = join(root, 'dist/images');
  if (!existsSync(base)) return found;
  for (const pipeline of readdirSync(base)) {
    for (const stage of readdirSync(join(base, pipeline))) {
      const file = join(base, pipeline, stage, 'manifest.json');
      if (existsSync(file)) found.add((JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string }).fingerprint);
    }
  }
  return found;
}

/** Removes the images of a repository (and every image carrying one of the fingerprints) from an engine. */
export async function removeImages(engine: Docker, repository: string, fingerprints: Set<string>): Promise<void> {
  const ids = new Set<string>();
  for (const fingerprint of fingerprints) {
    for (const image of await engine.listImages({ all: true, filters: { label: [`nx-bake.fingerprint=${fingerprint}`] } })) ids.add(image.Id);
  }
  for (const image of await engine.listImages({ filters: { reference: [repository] } })) ids.add(image.Id);
  let left = [...ids];
  for (let round = 0; left.length && round < 5; round++) {
    const failed: string[] = [];
    for (const id of left) await engine.getImage(id).remove({ force: true }).catch((error: { statusCode?: number }) => error.statusCode !== 404 && failed.push(id));
    left = failed;
  }
}

/** Deletes every manifest of a repository from the registry (by digest, so every tag goes). */
export async function removeRepository(name: string, credentials: { username: string; password: string }): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  const list = await fetch(`http://${REGISTRY}/v2/${name}/tags/list`, { headers: { authorization } });
  if (!list.ok) return;
  const digests = new Set<string>();
  for (const tag of ((await list.json()) as { tags?: string[] | null }).tags ?? []) {
    const head = await fetch(`http://${REGISTRY}/v2/${name}/manifests/${tag}`, { method: 'HEAD', headers: { authorization, accept } });
    const digest = head.headers.get('docker-content-digest');
    if (digest) digests.add(digest);
  }
  for (const digest of digests) await fetch(`http://${REGISTRY}/v2/${name}/manifests/${digest}`, { method: 'DELETE', headers: { authorization } });
}

/** The tags a registry repository has. */
export async function registryTags(name: string, credentials: { username: string; password: string }): Promise<string[]> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const list = await fetch(`http://${REGISTRY}/v2/${name}/tags/list`, { headers: { authorization } });
  return list.ok ? (((await list.json()) as { tags?: string[] | null }).tags ?? []).sort() : [];
}

/**
 * Nx's cache entries are tar archives (gzipped or not) of a task's outputs: the files under `path` are
 * returned, and `rewrite` gives back an entry with one file's text changed (a poisoned entry).
 */
export function tarFiles(entry: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of tarEntries(unzipped(entry).data)) files.set(file.name, file.content.toString('utf8'));
  return files;
}

export function rewriteTarFile(entry: Buffer, path: string, change: (text: string) => string): Buffer {
  const { data, gzipped } = unzipped(entry);
  const blocks: Buffer[] = [];
  let found = false;
  for (const file of tarEntries(data)) {
    let content = file.content;
    const header = Buffer.from(file.header);
    if (file.name === path) {
      found = true;
      content = Buffer.from(change(content.toString('utf8')));
      header.write(content.length.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
      header.fill(' ', 148, 156);
      let sum = 0;
      for (const byte of header) sum += byte;
      header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    }
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  if (!found) throw new Error(`no ${path} in the cache entry`);
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return gzipped ? gzipSync(tar) : tar;
}

function unzipped(entry: Buffer): { data: Buffer; gzipped: boolean } {
  const gzipped = entry[0] === 0x1f && entry[1] === 0x8b;
  return { data: gzipped ? gunzipSync(entry) : entry, gzipped };
}

function tarEntries(data: Buffer): { name: string; header: Buffer; content: Buffer }[] {
  const entries: { name: string; header: Buffer; content: Buffer }[] = [];
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    entries.push({ name, header: Buffer.from(header), content: Buffer.from(data.subarray(offset + 512, offset + 512 + size)) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}
