// Images and containers the bench makes, found by what it knows (manifests, repositories, labels), and
// removed — children before parents. Other people's images on the same engine are never touched.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './util.mjs';

const docker = (...args) => sh('docker', args, { allowFail: true });
// Another engine (case 10's runner B) is named by its host, e.g. unix:///run/nx-bake-docker-b.sock.
const on = (host) => (host ? ['-H', host] : []);

export function dockerUp() {
  return sh('docker', ['info', '--format', '{{.ServerVersion}}'], { allowFail: true });
}

/** Image IDs recorded in every manifest under `<root>/dist/images`. */
export function manifestImageIds(root) {
  const ids = [];
  const base = join(root, 'dist', 'images');
  if (!existsSync(base)) return ids;
  for (const pipeline of readdirSync(base)) {
    for (const stage of readdirSync(join(base, pipeline))) {
      const file = join(base, pipeline, stage, 'manifest.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      for (const build of manifest.builds ?? []) if (build.artifact_id) ids.push(build.artifact_id);
    }
  }
  return ids;
}

/** Image IDs tagged into `repository` (any tag). */
export function imagesOfRepository(repository, host) {
  return docker(...on(host), 'images', '--no-trunc', '-q', '--filter', `reference=${repository}`).split('\n').filter(Boolean);
}

/** Image IDs whose `nx-bake.fingerprint` label is one of `fingerprints` (the manifests' fingerprints). */
export function imagesWithFingerprints(fingerprints, host) {
  const ids = [];
  for (const fingerprint of fingerprints) {
    ids.push(...docker(...on(host), 'images', '-a', '--no-trunc', '-q', '--filter', `label=nx-bake.fingerprint=${fingerprint}`).split('\n').filter(Boolean));
  }
  return ids;
}

/** Removes images (force), retrying while a child still holds a parent. Tags pointing at them go too. */
export function removeImages(ids, host) {
  let left = [...new Set(ids.filter(Boolean))];
  for (let round = 0; left.length && round < 5; round++) {
    const failed = [];
    for (const id of left) {
      // Containers still using the image (none expected) would keep it: remove them first.
      for (const container of docker(...on(host), 'ps', '-aq', '--filter', `ancestor=${id}`).split('\n').filter(Boolean)) docker(...on(host), 'rm', '-f', container);
      docker(...on(host), 'rmi', '-f', id);
      if (docker(...on(host), 'image', 'inspect', '--format', '{{.Id}}', id)) failed.push(id);
    }
    left = failed;
  }
  return left;
}

/** Containers carrying `label` (key=value), removed. */
export function removeContainersLabelled(label) {
  const ids = docker('ps', '-aq', '--filter', `label=${label}`).split('\n').filter(Boolean);
  for (const id of ids) docker('rm', '-f', '-v', id);
  return ids.length;
}

export function imageExists(reference) {
  return docker('image', 'inspect', '--format', '{{.Id}}', reference) !== '';
}
