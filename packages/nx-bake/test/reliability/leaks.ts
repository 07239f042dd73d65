import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { docker } from '../support/docker';
import type { TestWorkspace } from '../support/workspace';

/** Every file and folder under `dir` (relative paths), not following links. */
export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      found.push(relative(dir, full));
      if (entry.isDirectory()) visit(full);
    }
  };
  visit(dir);
  return found;
}

/**
 * What a finished (or interrupted) bake must not leave on this machine: build containers, nx-bake temp
 * folders, rendered vars/inventory files or keys in the bake's private TMPDIR, a manifest or a half-written
 * one, a stage lock, or stray files in the workspace. Each leak is one line saying what and where.
 */
export async function localLeaks(options: { workspace: TestWorkspace; tmp: string; pipeline: string; stage?: string; allowManifest?: boolean }): Promise<string[]> {
  const { workspace, tmp, pipeline, stage = 'only' } = options;
  const leaks: string[] = [];
  for (const container of await docker.listContainers({ all: true, filters: { label: [`nx-bake.pipeline=${pipeline}`] } })) {
    leaks.push(`container ${container.Id.slice(0, 12)} (${container.State})`);
  }
  for (const path of walk(tmp)) {
    if (/(^|\/)nx-bake-|extra-vars|inventory|id_ed25519|\.pem$|(^|\/)key-/.test(path)) leaks.push(`temp file ${join(tmp, path)}`);
  }
  const manifestDir = join(workspace.root, 'dist', 'images', pipeline, stage);
  for (const name of existsSync(manifestDir) ? readdirSync(manifestDir) : []) {
    if (name.endsWith('.tmp') || (name === 'manifest.json' && !options.allowManifest)) leaks.push(`manifest file ${join(manifestDir, name)}`);
  }
  const locks = join(workspace.root, '.nx', 'nx-bake', 'locks');
  for (const name of existsSync(locks) ? readdirSync(locks) : []) leaks.push(`stage lock ${join(locks, name)}`);
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: workspace.root, encoding: 'utf8' }).stdout.trim();
  for (const line of status ? status.split('\n') : []) leaks.push(`workspace change ${line}`);
  return leaks;
}

/** What the fake cloud must not hold after a bake that did not finish: droplets, keys, snapshots, their containers. */
export async function cloudLeaks(fake: FakeDigitalOcean, options: { allowSnapshots?: number } = {}): Promise<string[]> {
  const state = fake.state();
  const leaks = [
    ...state.droplets.map((droplet) => `droplet ${droplet.id} (${droplet.status})`),
    ...state.keys.map((key) => `ssh key ${key.id} (${key.name})`),
    ...state.snapshots.slice(options.allowSnapshots ?? 0).map((snapshot) => `snapshot ${snapshot.id} (${snapshot.name})`),
  ];
  for (const container of await docker.listContainers({ all: true, filters: { label: [`fake-digitalocean.instance=${fake.instanceId}`] } })) {
    leaks.push(`droplet container ${container.Id.slice(0, 12)} (${container.State})`);
  }
  return leaks;
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
