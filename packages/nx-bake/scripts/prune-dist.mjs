// tsc -b never deletes what it built from a source that has since moved or gone: a stale dist/x.js would
// still be found first (`./template` resolves to template.js before template/index.js). Remove such files.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkg, 'dist');
const src = join(pkg, 'src');
// Written by the build itself, with no source of their own.
const GENERATED = new Set([join('pipeline', 'pipeline-schema.validate.js')]);
const COMPILED = /\.(js|d\.ts|js\.map|d\.ts\.map)$/;

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

if (existsSync(dist)) {
  for (const file of walk(dist)) {
    const path = relative(dist, file);
    if (!COMPILED.test(path) || GENERATED.has(path)) continue;
    if (!existsSync(join(src, path.replace(COMPILED, '.ts')))) rmSync(file);
  }
}
