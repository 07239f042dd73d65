import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonTemplate, readJsonVarFile } from './json/read-json-template';
import type { TemplateInput } from './map/pipeline';
import type { PackerVarFile } from './template';

const HCL_TEMPLATE = /\.pkr\.hcl$/;
const HCL_VAR_FILE = /\.pkrvars\.hcl$/;

/**
 * The templates a `--template` names: a JSON file, an HCL2 file, or a folder — of .pkr.hcl files (one
 * template, as Packer reads a folder), or else of JSON templates (each one, by name).
 */
export async function readTemplates(paths: string[], shownAs: (path: string) => string = (path) => path): Promise<TemplateInput[]> {
  const inputs = await readAll(paths);
  for (const input of inputs) renameFiles(input.template, shownAs);
  return inputs;
}

async function readAll(paths: string[]): Promise<TemplateInput[]> {
  const inputs: TemplateInput[] = [];
  for (const path of paths) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      const names = readdirSync(path).sort();
      if (names.some((name) => HCL_TEMPLATE.test(name))) inputs.push({ template: await readHcl(path), dir: path });
      else for (const name of names.filter((entry) => entry.endsWith('.json') && isJsonTemplate(join(path, entry)))) inputs.push({ template: readJsonTemplate(join(path, name)), dir: path });
      if (inputs.length === 0) throw new Error(`${path}: no Packer template in this folder (*.pkr.hcl, or *.json with "builders")`);
    } else if (HCL_TEMPLATE.test(path)) {
      inputs.push({ template: await readHcl(path), dir: dirname(path) });
    } else {
      if (!statSync(path, { throwIfNoEntry: false })) throw new Error(`${path}: no such file`);
      inputs.push({ template: readJsonTemplate(path), dir: dirname(path) });
    }
  }
  return inputs;
}

export async function readVarFiles(paths: string[], shownAs: (path: string) => string = (path) => path): Promise<PackerVarFile[]> {
  const files = await Promise.all(paths.map(async (path) => (HCL_VAR_FILE.test(path) || path.endsWith('.hcl') ? (await hcl()).readHclVarFile(path) : readJsonVarFile(path))));
  for (const file of files) renameFiles(file, shownAs);
  return files;
}

/** Files are read by their absolute paths and reported as the user knows them (relative to the workspace). */
function renameFiles(value: unknown, shownAs: (path: string) => string, root = true): void {
  if (Array.isArray(value)) value.forEach((item) => renameFiles(item, shownAs, false));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // The template's own `file`, and every position's (a value of the template may have a `file` key of its own).
    const isPosition = typeof record.line === 'number' && typeof record.col === 'number';
    if (typeof record.file === 'string' && (root || isPosition)) record.file = shownAs(record.file);
    if (!isPosition) for (const child of Object.values(record)) renameFiles(child, shownAs, false);
  }
}

function isJsonTemplate(file: string): boolean {
  try {
    return 'builders' in (JSON.parse(readFileSync(file, 'utf8')) as object);
  } catch {
    return true; // read as one, so its syntax error is reported
  }
}

async function readHcl(path: string) {
  return (await hcl()).readHclTemplate(path);
}

/** The HCL2 parser (WASM) is loaded by imports that have HCL2 in them. */
async function hcl(): Promise<typeof import('./hcl')> {
  return import('./hcl');
}
