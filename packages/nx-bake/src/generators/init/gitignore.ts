import type { Tree } from '@nx/devkit';

/**
 * What a workspace using nx-bake does not commit, as Nx's own `init` adds its folders: `.nx/` (Nx's cache
 * and workspace data, nx-bake's run journals and locks) and `dist/` (bake manifests, build output).
 */
export const IGNORED_FOLDERS = ['.nx/', 'dist/'];

/** `dist`, `/dist` and `dist/` ignore the same folder. */
const folderOf = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');

/** Appends the entries `.gitignore` lacks (creating the file when there is none); never one twice. */
export function addToGitignore(tree: Tree, entries = IGNORED_FOLDERS): void {
  const current = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  const present = new Set(current.split(/\r?\n/).map(folderOf));
  const missing = entries.filter((entry) => !present.has(folderOf(entry)));
  if (missing.length === 0) return;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}${missing.join('\n')}\n`);
}
