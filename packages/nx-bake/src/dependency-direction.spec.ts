import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The folders of src/, lowest first: a module may import from its own folder and from folders below it,
 * never from one above or beside it. The engine knows builders only through their interface and registry;
 * a new builder touches no engine file.
 */
const LAYERS: string[][] = [
  ['util'],
  ['pipeline'],
  // The Vault client: it knows references (pipeline) and nothing of builds; the engine loads it lazily.
  ['secrets'],
  ['progress'],
  ['steps'],
  ['communicators'],
  ['provisioners'],
  ['artifacts'],
  ['builders'],
  ['engine'],
  ['lifecycle'],
  // The Packer importer translates templates into the pipeline model; only the generator uses it.
  ['nx', 'packer-import'],
  ['executors', 'generators', 'cli'],
  ['.'],
];

const SRC = __dirname;

function rankOf(folder: string): number {
  const rank = LAYERS.findIndex((layer) => layer.includes(folder));
  if (rank < 0) throw new Error(`src/${folder} is in no layer of ${__filename}: add it where it belongs`);
  return rank;
}

function folderOf(file: string): string {
  const path = relative(SRC, file);
  return path.includes(sep) ? path.split(sep)[0] : '.';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\(|require\()['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => {
    const target = resolve(dirname(file), match[1]);
    // A folder import is its index module, inside that folder.
    return existsSync(target) && statSync(target).isDirectory() ? join(target, 'index') : target;
  });
}

describe('dependency direction', () => {
  // The package's own files outside src/ (package.json) are no layer's.
  const edges = sourceFiles(SRC).flatMap((file) => relativeImports(file).filter((target) => target.startsWith(`${SRC}${sep}`)).map((target) => ({ file, target })));

  it('reads the imports of every module', () => {
    expect(edges.length).toBeGreaterThan(200);
  });

  it('has no import from a folder above or beside the importing one', () => {
    const upward = edges
      .filter(({ file, target }) => folderOf(file) !== folderOf(target) && rankOf(folderOf(target)) >= rankOf(folderOf(file)))
      .map(({ file, target }) => `${relative(SRC, file)} -> ${relative(SRC, target)}`);
    expect(upward).toEqual([]);
  });
});
