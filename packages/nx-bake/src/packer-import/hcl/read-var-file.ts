/** `readHclVarFile`: a `-var-file` in HCL (`name = value` lines), values translated as in templates. */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PackerVarFile, TemplateField } from '../template';
import { attributeParts, bodyParts, translateAttribute } from './body';
import { parseHcl, type SyntaxNode } from './parser';
import { positionOf, type Scope } from './scope';
import { toTemplateValue } from './translated';

/** The `name = value` attributes of a var file; anything else in it is an error at its file:line:col. */
export async function varFileAttributes(path: string): Promise<SyntaxNode[]> {
  const body = await parseHcl(await readFile(path, 'utf8'), path);
  const { attributes, blocks } = bodyParts(body);
  if (blocks.length > 0) {
    const [first] = blocks;
    throw new Error(`${path}:${first.startPosition.row + 1}:${first.startPosition.column + 1}: a variable file holds only \`name = value\` lines`);
  }
  return attributes;
}

export async function readHclVarFile(path: string): Promise<PackerVarFile> {
  const attributes = await varFileAttributes(path);
  // Var files hold values, mostly literals: what a note would say about them has nowhere to go.
  const scope: Scope = { file: path, dir: dirname(path), notes: [], env: new Set(), locals: new Map(), variableValues: new Map(), inlining: new Set() };
  const values: Record<string, TemplateField> = {};
  for (const attribute of attributes) {
    values[attributeParts(attribute).name] = { value: toTemplateValue(translateAttribute(attribute, scope)), at: positionOf(scope, attribute) };
  }
  return { file: path, values };
}
