import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Files below a path (or the path itself), sorted, so the same tree hashes the same on any machine. */
export function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

/** Content hash of a file or a tree: relative names, contents and the executable bit; absolute paths stay out. */
export function hashPath(path: string): string {
  const hash = createHash('sha256');
  if (!existsSync(path)) return 'missing';
  for (const file of listFiles(path)) {
    const stat = statSync(file);
    hash.update(relative(path, file).split('\\').join('/'));
    hash.update('\0');
    hash.update((stat.mode & 0o111) !== 0 ? 'x' : '-');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
