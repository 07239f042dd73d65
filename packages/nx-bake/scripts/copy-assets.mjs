// tsc does not copy JSON assets that are not imported; executors and generators need their schema.json next to the code.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(pkg, 'src');
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
for (const file of walk(src)) {
  if (file.endsWith('.json') || file.includes(`${join('generators', 'init', 'files')}`)) {
    cpSync(file, join(pkg, 'dist', relative(src, file)));
  }
}
