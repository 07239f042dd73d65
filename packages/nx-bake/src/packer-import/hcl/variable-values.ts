/**
 * What the variables are at import time: their defaults, and a folder's `*.auto.pkrvars.hcl` (which Packer
 * loads without being asked) — those become the variables' defaults, and for expressions unroll with them.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateVariable } from '../template';
import { attributeParts, blockHeader, bodyOf, bodyParts, translateAttribute } from './body';
import type { SyntaxNode } from './parser';
import { varFileAttributes } from './read-var-file';
import { note, type Scope, type VariableValue } from './scope';
import { toTemplateValue } from './translated';

export interface AutoVarFile {
  name: string;
  file: string;
  attributes: SyntaxNode[];
}

/** A folder's `*.auto.pkrvars.hcl`, which Packer loads without being asked, in name order. */
export async function readAutoVarFiles(folder: string): Promise<AutoVarFile[]> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.auto.pkrvars.hcl')).sort();
  return Promise.all(names.map(async (name) => ({ name, file: join(folder, name), attributes: await varFileAttributes(join(folder, name)) })));
}

/** An auto var file's values, over the defaults: what for-expressions unroll with. */
export function collectAutoVarFileValues({ name, file, attributes }: AutoVarFile, values: Map<string, VariableValue>): void {
  for (const attribute of attributes) {
    const { name: variable, value } = attributeParts(attribute);
    values.set(variable, { expression: value, file, origin: `value in ${name}` });
  }
}

/** An auto var file's values become the variables' defaults. */
export function applyAutoVarFile({ name, attributes }: AutoVarFile, variables: TemplateVariable[], scope: Scope): void {
  for (const attribute of attributes) {
    const variableName = attributeParts(attribute).name;
    const variable = variables.find((candidate) => candidate.name === variableName);
    if (!variable) {
      note(scope, attribute, 'dropped', `${name} sets ${variableName}, which no variable block declares`);
      continue;
    }
    Object.assign(variable, { default: toTemplateValue(translateAttribute(attribute, scope)), required: false });
    note(scope, attribute, 'approximated', `${variableName} in ${name} (which packer loads from the folder) became the variable's default`);
  }
}

/** `variable "a" { default = ... }` and `variables { a = ... }`: the values for-expressions are unrolled with. */
export function collectVariableDefaults(block: SyntaxNode, scope: Scope, values: Map<string, VariableValue>): void {
  const { type, labels } = blockHeader(block);
  for (const attribute of bodyParts(bodyOf(block)).attributes) {
    const { name, value } = attributeParts(attribute);
    if (type === 'variables') values.set(name, { expression: value, file: scope.file, origin: 'default' });
    else if (name === 'default') values.set(labels[0], { expression: value, file: scope.file, origin: 'default' });
  }
}
