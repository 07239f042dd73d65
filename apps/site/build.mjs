// The example app: a static site whose build output the `app` stage bakes into the final image.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, '..', '..', 'dist', 'apps', 'site');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(root, 'src'), out, { recursive: true });
const page = readFileSync(join(out, 'index.html'), 'utf8');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'index.html'), page.replace('%VERSION%', version));
writeFileSync(join(out, 'health.txt'), 'ok\n');
console.log(`site built into ${out}`);
