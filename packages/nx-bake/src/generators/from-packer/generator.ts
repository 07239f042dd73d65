import type { Tree } from '@nx/devkit';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { formatReport, mapTemplates, pipelineYaml, readTemplates, readVarFiles, varFileYaml } from '../../packer-import';

export interface FromPackerGeneratorOptions {
  template: string[] | string;
  varFile?: string[] | string;
  pipeline?: string;
  directory?: string;
  force?: boolean;
}

/**
 * `nx g nx-bake:from-packer --template=base.json --template=app.pkr.hcl`: the templates as one pipeline
 * (each a stage, chained where one starts from another's artifact), their files copied into the stage
 * folders, their var files as the pipeline's, and a report of every field mapped, approximated or dropped.
 */
export default async function fromPackerGenerator(tree: Tree, options: FromPackerGeneratorOptions): Promise<void> {
  const name = options.pipeline ?? 'images';
  const directory = options.directory ?? `pipelines/${name}`;
  const file = posix.join(directory, 'pipeline.yaml');
  if (tree.exists(file) && !options.force) throw new Error(`${file} exists: give another --pipeline (or --force to replace it)`);
  // Paths as the user typed them: relative to where `nx g` ran.
  const here = (path: string) => resolve(process.cwd(), path);
  const shown = (path: string) => relative(tree.root, here(path)).split('\\').join('/') || '.';
  const templatePaths = list(options.template);
  const inputs = await readTemplates(templatePaths.map(here), shown);
  const varFiles = await readVarFiles(list(options.varFile).map(here), shown);
  const mapped = mapTemplates(inputs, varFiles, name);

  const schemaPath = posix.relative(directory, 'node_modules/nx-bake/schema/pipeline.schema.json');
  tree.write(file, pipelineYaml(mapped.document, schemaPath, templatePaths.map(shown)));
  for (const copy of mapped.copies) writeCopy(tree, copy.from, posix.join(directory, copy.to));
  // A stage's folder is its Nx project: one that reads no file still needs one to exist.
  for (const stage of mapped.document.stages as { name: string }[]) {
    if (!mapped.copies.some((copy) => copy.to.split('/')[0] === stage.name)) tree.write(posix.join(directory, stage.name, '.gitkeep'), '');
  }
  mapped.varFiles.forEach((varFile, i) => tree.write(posix.join(directory, varFile.name), varFileYaml(varFile, varFiles[i].file)));

  const written = [file, ...mapped.varFiles.map((varFile) => posix.join(directory, varFile.name))];
  console.log(`${formatReport(mapped.report, [...inputs.map((input) => input.template.file), ...varFiles.map((varFile) => varFile.file)])}\nwrote ${written.join(', ')}${mapped.copies.length > 0 ? ` and ${mapped.copies.length} copied file(s)` : ''}; check it with: nx run ${name}:validate`);
}

function list(value: string[] | string | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function writeCopy(tree: Tree, from: string, to: string): void {
  const stat = statSync(from);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(from)) writeCopy(tree, join(from, entry), posix.join(to, entry));
  } else {
    tree.write(to, readFileSync(from), { mode: stat.mode & 0o777 });
  }
}

