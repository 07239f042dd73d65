/** Packer HCL2 templates written to a temporary folder, for the HCL reader's tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const folders: string[] = [];

/** A new folder holding `files` (name -> text); removed by `removeTemplateFolders`. */
export function templateFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nx-bake-hcl-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function removeTemplateFolders(): void {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `text` without the indentation of its least indented line (templates written inside tests). */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}
