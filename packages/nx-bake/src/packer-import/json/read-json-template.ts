import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { SourcePosition } from '../../pipeline/types';
import { Notes } from '../notes';
import { EXECUTE_COMMAND_FIELDS, type PackerTemplate, type PackerVarFile, type TemplateBlock, type TemplateBuild, type TemplateField, type TemplateValue, type TemplateVariable } from '../template';
import { translateGoTemplate, type GoTemplateScope } from './go-template';

/** Where a node is and how its strings are translated. */
interface Reader {
  file: string;
  lines: LineCounter;
  notes: Notes;
  env: Set<string>;
}

/**
 * A Packer JSON template. JSON is YAML, so the `yaml` parser that reads pipelines reads it too, and keeps
 * every node's position for the report; a JSON syntax error is reported at its line and column.
 */
export function readJsonTemplate(file: string): PackerTemplate {
  const { root, reader } = parseJson(file);
  const template: PackerTemplate = { file, syntax: 'json', variables: [], builders: [], builds: [], env: [], notes: reader.notes.list };
  const sensitive = new Set(stringItems(root, 'sensitive-variables'));
  for (const pair of pairs(root)) {
    const key = keyOf(pair);
    const value = pair.value as Node | null;
    switch (key) {
      case 'description':
        template.description = isScalar(value) ? String(value.value) : undefined;
        break;
      case 'variables':
        template.variables = pairs(value).map((variable) => readVariable(variable, sensitive, reader));
        break;
      case 'sensitive-variables':
      case 'builders':
      case 'provisioners':
      case 'post-processors':
        break;
      case 'min_packer_version':
        break;
      default:
        reader.notes.dropped(position(reader, pair.key as Node), `"${key}": not a part of a Packer template nx-bake knows`);
    }
  }
  const builders = isSeq(mapValue(root, 'builders')) ? (mapValue(root, 'builders') as { items: Node[] }).items : [];
  template.builders = builders.map((node) => readBuilder(node, reader));
  template.builds = [readBuild(root, template.builders, reader)];
  template.env = [...reader.env];
  return template;
}

/** A JSON `-var-file`: `{"name": "value"}`, values as written (Packer does not render them). */
export function readJsonVarFile(file: string): PackerVarFile {
  const { root, reader } = parseJson(file);
  const values: Record<string, TemplateField> = {};
  for (const pair of pairs(root)) values[keyOf(pair)] = { value: plain(pair.value as Node | null), at: position(reader, pair.key as Node) };
  return { file, values };
}

function parseJson(file: string): { root: Node; reader: Reader } {
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const reader: Reader = { file, lines, notes: new Notes(), env: new Set() };
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  // YAML reads more than JSON (a trailing comma, comments): JSON's own parser says what Packer would.
  try {
    JSON.parse(text);
  } catch (error) {
    const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    throw new Error(`${at(offset)}: ${(error as Error).message.replace(/ in JSON at position \d+.*$/s, '')}`);
  }
  if (doc.errors.length > 0) throw new Error(doc.errors.map((error) => `${at(error.pos[0])}: ${error.message.split('\n')[0]}`).join('\n'));
  const root = doc.contents as Node | null;
  if (!isMap(root)) throw new Error(`${file}:1:1: a Packer JSON template is an object with "builders"`);
  return { root, reader };
}

function readVariable(pair: Pair, sensitive: Set<string>, reader: Reader): TemplateVariable {
  const name = keyOf(pair);
  const at = position(reader, pair.key as Node);
  const node = pair.value as Node | null;
  // A JSON variable's default is a string, or null when it must be given.
  const raw = isScalar(node) ? node.value : plain(node);
  const variable: TemplateVariable = { name, required: raw === null, sensitive: sensitive.has(name), at };
  if (raw !== null) variable.default = typeof raw === 'string' ? translateGoTemplate(raw, scopeAt(reader, at)) : (raw as TemplateValue);
  return variable;
}

function readBuilder(node: Node, reader: Reader): TemplateBlock {
  const at = position(reader, node);
  const type = String(plain(mapValue(node, 'type')) ?? '');
  const name = String(plain(mapValue(node, 'name')) ?? type);
  return { type, name, fields: readFields(node, reader, { builder: { name, type } }, ['type', 'name']), at };
}

function readBuild(root: Node, builders: TemplateBlock[], reader: Reader): TemplateBuild {
  const provisioners = mapValue(root, 'provisioners');
  const postProcessors = mapValue(root, 'post-processors');
  const read = (node: Node) => readBlock(node, reader, builderOf(node, builders));
  return {
    sources: builders.map((builder) => builder.name!),
    provisioners: isSeq(provisioners) ? provisioners.items.map((node) => read(node as Node)) : [],
    // Each entry is a chain: a name, an object, or a list of them run in sequence.
    postProcessors: isSeq(postProcessors) ? postProcessors.items.map((entry) => (isSeq(entry) ? entry.items : [entry]).map((node) => read(node as Node))) : [],
    at: position(reader, root),
  };
}

/**
 * The one builder a provisioner or post-processor runs for, when there is one: the template's only
 * builder, or the one its `only` names. There `{{build_name}}` and `{{build_type}}` are that builder's.
 */
function builderOf(node: Node, builders: TemplateBlock[]): { name: string; type: string } | undefined {
  const only = stringItems(node, 'only');
  const candidates = only.length > 0 ? builders.filter((builder) => only.includes(builder.name!)) : builders;
  return candidates.length === 1 ? { name: candidates[0].name!, type: candidates[0].type } : undefined;
}

/** A provisioner or post-processor (a post-processor may be just its type's name). */
function readBlock(node: Node, reader: Reader, builder?: { name: string; type: string }): TemplateBlock {
  const at = position(reader, node);
  if (isScalar(node)) return { type: String(node.value), fields: {}, at };
  const type = String(plain(mapValue(node, 'type')) ?? '');
  const dotFields = type === 'shell' ? EXECUTE_COMMAND_FIELDS : undefined;
  return { type, fields: readFields(node, reader, { builder, dotFields }, ['type']), at };
}

function readFields(node: Node, reader: Reader, context: Pick<GoTemplateScope, 'builder' | 'dotFields'>, skip: string[]): Record<string, TemplateField> {
  const fields: Record<string, TemplateField> = {};
  for (const pair of pairs(node)) {
    const key = keyOf(pair);
    if (skip.includes(key)) continue;
    const at = position(reader, pair.key as Node);
    // The dot means something only in execute_command.
    const scope = { ...scopeAt(reader, at), builder: context.builder, dotFields: key === 'execute_command' ? context.dotFields : undefined };
    // Docker's run_command is read for its flags, with Packer's `{{.Image}}` as written (run-command.ts).
    const value = key === 'run_command' ? plain(pair.value as Node | null) : translated(pair.value as Node | null, scope);
    fields[key] = { value, at };
  }
  return fields;
}

function translated(node: Node | null, scope: GoTemplateScope): TemplateValue {
  if (isMap(node)) return Object.fromEntries(node.items.map((pair) => [keyOf(pair), translated(pair.value as Node | null, scope)]));
  if (isSeq(node)) return node.items.map((item) => translated(item as Node | null, scope));
  const value = isScalar(node) ? node.value : null;
  return typeof value === 'string' ? translateGoTemplate(value, scope) : (value as TemplateValue);
}

function scopeAt(reader: Reader, at: SourcePosition): GoTemplateScope {
  return { at, notes: reader.notes, env: reader.env };
}

function plain(node: Node | null | undefined): TemplateValue {
  if (isMap(node)) return Object.fromEntries(node.items.map((pair) => [keyOf(pair), plain(pair.value as Node | null)]));
  if (isSeq(node)) return node.items.map((item) => plain(item as Node | null));
  return isScalar(node) ? (node.value as TemplateValue) : null;
}

function pairs(node: Node | null | undefined): Pair[] {
  return isMap(node) ? (node.items as Pair[]) : [];
}

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

function mapValue(node: Node | null | undefined, key: string): Node | null | undefined {
  return pairs(node).find((pair) => keyOf(pair) === key)?.value as Node | null | undefined;
}

function stringItems(node: Node | null | undefined, key: string): string[] {
  const value = plain(mapValue(node, key));
  return Array.isArray(value) ? value.map(String) : [];
}

function position(reader: Reader, node: Node | null | undefined): SourcePosition {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = reader.lines.linePos(offset);
  return { file: reader.file, line, col };
}
