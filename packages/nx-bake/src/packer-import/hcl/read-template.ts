/**
 * `readHclTemplate`: a `.pkr.hcl` file, or a folder of them as `packer build <folder>` reads it, as the
 * importer's template model. Locals are collected from every file first, since any file may use them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImportNote, PackerTemplate, TemplateBlock, TemplateBuild, TemplateVariable } from '../template';
import { attributeParts, blockHeader, bodyOf, bodyParts, literalBool, readFields } from './body';
import { readBuildBlock } from './builds';
import { sourceAmiFilterFromData, type DataSource } from './data-sources';
import { translateExpression } from './expressions';
import { parseHcl, type SyntaxNode } from './parser';
import { note, positionOf, type LocalDefinition, type Scope, type VariableValue } from './scope';
import { applyAutoVarFile, collectAutoVarFileValues, collectVariableDefaults, readAutoVarFiles } from './variable-values';
import { readVariableBlock, readVariablesBlock } from './variables';

interface ParsedFile {
  file: string;
  body: SyntaxNode;
}

/** The template files: the file itself, or the folder's `*.pkr.hcl` in name order (var files are not among them). */
async function templateFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => name.endsWith('.pkr.hcl')).sort();
  if (names.length === 0) throw new Error(`${path}: no .pkr.hcl files in this folder`);
  return names.map((name) => join(path, name));
}

/** Every file parsed; the syntax errors of all of them in one error. */
async function parseFiles(files: string[]): Promise<ParsedFile[]> {
  const results = await Promise.allSettled(files.map(async (file) => ({ file, body: await parseHcl(await readFile(file, 'utf8'), file) })));
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : []));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return results.map((result) => (result as PromiseFulfilledResult<ParsedFile>).value);
}

export async function readHclTemplate(path: string): Promise<PackerTemplate> {
  const isFolder = (await stat(path)).isDirectory();
  const files = await parseFiles(await templateFiles(path));
  const notes: ImportNote[] = [];
  const env = new Set<string>();
  const locals = new Map<string, LocalDefinition>();
  const variableValues = new Map<string, VariableValue>();
  const scopeOf = (file: string): Scope => ({ file, dir: isFolder ? path : dirname(path), notes, env, locals, variableValues, inlining: new Set() });
  const blocks = files.flatMap(({ file, body }) => {
    const scope = scopeOf(file);
    const { attributes, blocks: fileBlocks } = bodyParts(body);
    for (const attribute of attributes) note(scope, attribute, 'dropped', `the top-level attribute ${attributeParts(attribute).name} has no meaning in a template`);
    return fileBlocks.map((block) => ({ block, scope, ...blockHeader(block) }));
  });

  const dataSources = new Map<string, DataSource>();
  for (const { block, scope, type, labels } of blocks) {
    if (type === 'locals' || type === 'local') collectLocals(block, scope, locals);
    if (type === 'data') dataSources.set(labels.join('.'), { block, scope, used: false });
    if (type === 'variable' || type === 'variables') collectVariableDefaults(block, scope, variableValues);
  }
  const autoVarFiles = isFolder ? await readAutoVarFiles(path) : [];
  for (const autoVarFile of autoVarFiles) collectAutoVarFileValues(autoVarFile, variableValues);

  const variables: TemplateVariable[] = [];
  const builders: TemplateBlock[] = [];
  for (const { block, scope, type, labels } of blocks) {
    if (type === 'variable') variables.push(readVariableBlock(block, scope));
    else if (type === 'variables') variables.push(...readVariablesBlock(block, scope));
    else if (type === 'source') {
      const [sourceType, name] = labels;
      const sourceScope: Scope = { ...scope, source: { type: sourceType, name, ofSeveral: false } };
      const body = bodyOf(block);
      const amiFilter = sourceType === 'amazon-ebs' ? sourceAmiFilterFromData(body, sourceScope, dataSources) : undefined;
      const fields = readFields(body, sourceScope, amiFilter ? ['source_ami'] : []);
      if (amiFilter) fields.source_ami_filter = amiFilter;
      builders.push({ type: sourceType, name: `${sourceType}.${name}`, fields, at: positionOf(scope, block) });
    } else if (!['packer', 'locals', 'local', 'build', 'data'].includes(type)) note(scope, block, 'dropped', `the ${type} block has no counterpart in a pipeline`);
  }
  for (const [name, { block, scope, used }] of dataSources) {
    if (!used) note(scope, block, 'dropped', `the data source ${name} is not imported${name.startsWith('amazon-ami.') ? ' (only as the source_ami of an amazon-ebs source)' : ''}: references to it became the empty string`);
  }

  for (const autoVarFile of autoVarFiles) applyAutoVarFile(autoVarFile, variables, scopeOf(autoVarFile.file));

  const builds: TemplateBuild[] = [];
  let description: string | undefined;
  for (const { block, scope, type } of blocks) {
    if (type !== 'build') continue;
    const read = readBuildBlock(block, scope, builders);
    builds.push(read.build);
    description ??= read.description;
  }

  // In the order they are written, whatever order they were found in (a local's notes come where it is used).
  const fileOrder = files.map(({ file }) => file);
  notes.sort((a, b) => fileOrder.indexOf(a.at.file) - fileOrder.indexOf(b.at.file) || a.at.line - b.at.line || a.at.col - b.at.col);
  const template: PackerTemplate = { file: files[0].file, syntax: 'hcl2', variables, builders, builds, env: [...env].sort(), notes };
  if (description !== undefined) template.description = description;
  return template;
}

/** `locals { a = ... }` and `local "a" { expression = ..., sensitive = true }`. */
function collectLocals(block: SyntaxNode, scope: Scope, locals: Map<string, LocalDefinition>): void {
  const { type, labels } = blockHeader(block);
  const { attributes } = bodyParts(bodyOf(block));
  if (type === 'locals') {
    for (const attribute of attributes) {
      const { name, value } = attributeParts(attribute);
      locals.set(name, { expression: value, file: scope.file });
    }
    return;
  }
  const [name] = labels;
  const expression = attributes.map(attributeParts).find((attribute) => attribute.name === 'expression');
  if (!expression) {
    note(scope, block, 'dropped', `local ${name} has no expression`);
    return;
  }
  locals.set(name, { expression: expression.value, file: scope.file });
  const sensitive = attributes.map(attributeParts).find((attribute) => attribute.name === 'sensitive');
  if (sensitive && literalBool(translateExpression(sensitive.value, scope))) {
    note(scope, block, 'secret', `local.${name} is sensitive: its expression is inlined wherever it is used, where the pipeline does not hide it`);
  }
}
