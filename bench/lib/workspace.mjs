// Temp Nx workspaces, as the tests make them (packages/nx-bake/test/support/workspace.ts), with one
// difference: the plugin is a snapshot of packages/nx-bake taken when the bench starts, so a rebuild by
// someone else during a 20-minute bench cannot change the code under measurement half-way.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, sh } from './util.mjs';

const PLUGIN_FILES = ['package.json', 'executors.json', 'generators.json', 'dist', 'schema'];

/**
 * Copies the built plugin into `<workDir>/nx-bake` and makes `<workDir>/node_modules`: a symlink per entry
 * of the repo's node_modules, except nx-bake, which points at the snapshot. Returns facts about the build.
 */
export function snapshotPlugin(workDir) {
  const pkg = join(repoRoot, 'packages', 'nx-bake');
  const dist = join(pkg, 'dist');
  if (!existsSync(join(dist, 'index.js'))) throw new Error('packages/nx-bake/dist is missing: run `npm run build` first');
  const snapshot = join(workDir, 'nx-bake');
  for (const entry of PLUGIN_FILES) cpSync(join(pkg, entry), join(snapshot, entry), { recursive: true });
  const modules = join(workDir, 'node_modules');
  mkdirSync(modules);
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry === 'nx-bake') continue;
    symlinkSync(join(repoRoot, 'node_modules', entry), join(modules, entry));
  }
  symlinkSync(snapshot, join(modules, 'nx-bake'));
  const newest = (dir) =>
    readdirSync(dir).reduce((latest, name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      return Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
    }, 0);
  return {
    path: snapshot,
    distBuiltAt: new Date(newest(dist)).toISOString(),
    srcChangedAt: new Date(newest(join(pkg, 'src'))).toISOString(),
  };
}

/** A fresh clone of a bench workspace, as another CI runner checks the repository out (node_modules linked the same way). */
export function cloneWorkspace(workDir, origin, name) {
  const root = mkdtempSync(join(workDir, `${name}-`));
  sh('git', ['clone', '-q', origin.root, root]);
  symlinkSync(join(workDir, 'node_modules'), join(root, 'node_modules'));
  return workspaceAt(root);
}

/**
 * A real Nx workspace in a temp folder under `workDir`: `copy` (repo paths) and `files`, nx.json
 * registering nx-bake (unless `plugins: []`), git with one commit.
 */
export function createWorkspace(workDir, { name = 'ws', copy = [], files = {}, plugins } = {}) {
  const root = mkdtempSync(join(workDir, `${name}-`));
  symlinkSync(join(workDir, 'node_modules'), join(root, 'node_modules'));
  const workspace = workspaceAt(root);
  const { write } = workspace;
  write('package.json', JSON.stringify({ name: 'bench-workspace', private: true, workspaces: ['apps/*'] }, null, 2));
  write(
    'nx.json',
    JSON.stringify({ neverConnectToCloud: true, analytics: false, plugins: plugins ?? [{ plugin: 'nx-bake', options: {} }] }, null, 2),
  );
  write('.gitignore', 'node_modules\ndist\n.nx\ntmp\n');
  for (const path of copy) cpSync(join(repoRoot, path), join(root, path), { recursive: true });
  for (const [path, content] of Object.entries(files)) write(path, content);
  workspace.git('init', '-q', '-b', 'main');
  workspace.git('add', '-A');
  workspace.git('commit', '-q', '-m', 'initial');
  return workspace;
}

function workspaceAt(root) {
  return {
    root,
    write: (path, content) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    },
    git: (...args) => sh('git', ['-c', 'user.email=bench@example.invalid', '-c', 'user.name=nx-bake bench', ...args], { cwd: root }),
    nxBin: join(root, 'node_modules', '.bin', 'nx'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
