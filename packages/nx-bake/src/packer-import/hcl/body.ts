/**
 * A block's body as fields: attributes by name, and nested blocks (amazon-ebs `launch_block_device_mappings`,
 * `source_ami_filter`) as values of their own: a block written once is an object, one written several
 * times a list of objects, as the JSON form of the same template has them.
 */
import type { TemplateField, TemplateValue } from '../template';
import { translateExpression } from './expressions';
import type { SyntaxNode } from './parser';
import { namedChildren, note, positionOf, type Scope } from './scope';
import { decodeQuoted } from './strings';
import { toTemplateValue, type Translated } from './translated';

/** Nested blocks that are lists in the plugins' configs even when written once. */
const LIST_BLOCKS = new Set(['launch_block_device_mappings', 'ami_block_device_mappings', 'tag', 'run_tag', 'run_volume_tag', 'spot_tag', 'fleet_tag', 'snapshot_tag']);

export interface BodyParts {
  attributes: SyntaxNode[];
  blocks: SyntaxNode[];
}

/** A `body` node's attributes and blocks (an empty block has no body node). */
export function bodyParts(body: SyntaxNode | undefined): BodyParts {
  const parts = body ? namedChildren(body) : [];
  return { attributes: parts.filter((part) => part.type === 'attribute'), blocks: parts.filter((part) => part.type === 'block') };
}

/** A block's own body. */
export function bodyOf(block: SyntaxNode): SyntaxNode | undefined {
  return namedChildren(block).find((part) => part.type === 'body');
}

/** The block's type (`source`, `provisioner`) and labels (`"docker"`, `"ubuntu"`), as written. */
export function blockHeader(block: SyntaxNode): { type: string; labels: string[] } {
  const [type, ...rest] = namedChildren(block);
  const labels = rest.filter((part) => part.type === 'string_lit' || part.type === 'identifier').map((label) => (label.type === 'identifier' ? label.text : decodeQuoted(label.text.slice(1, -1))));
  return { type: type.text, labels };
}

export function attributeParts(attribute: SyntaxNode): { name: string; value: SyntaxNode } {
  const [name, value] = namedChildren(attribute);
  return { name: name.text, value };
}

export function translateAttribute(attribute: SyntaxNode, scope: Scope): Translated {
  return translateExpression(attributeParts(attribute).value, scope);
}

/** A literal boolean attribute (`sensitive = true`), else undefined. */
export function literalBool(value: Translated): boolean | undefined {
  return value.kind === 'scalar' && typeof value.value === 'boolean' ? value.value : undefined;
}

/**
 * Every attribute and nested block of `body` as a field, in the order written; `skip`: attributes read
 * otherwise; `dotFields`: the attributes whose literal text has Go template fields Packer fills in.
 */
export function readFields(
  body: SyntaxNode | undefined,
  scope: Scope,
  skip: readonly string[] = [],
  dotFields: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Record<string, TemplateField> {
  const { attributes, blocks } = bodyParts(body);
  const fields: Record<string, TemplateField> = {};
  for (const attribute of attributes) {
    const { name } = attributeParts(attribute);
    if (skip.includes(name)) continue;
    const attributeScope = dotFields[name] ? { ...scope, dotFields: dotFields[name] } : scope;
    fields[name] = { value: toTemplateValue(translateAttribute(attribute, attributeScope)), at: positionOf(scope, attribute) };
  }
  const byType = new Map<string, SyntaxNode[]>();
  for (const block of blocks) {
    const { type, labels } = blockHeader(block);
    if (type === 'dynamic' || labels.length > 0) {
      note(scope, block, 'dropped', `the block ${[type, ...labels.map((label) => JSON.stringify(label))].join(' ')} has no counterpart in a pipeline`);
      continue;
    }
    byType.set(type, [...(byType.get(type) ?? []), block]);
  }
  for (const [type, written] of byType) {
    const objects = written.map((block) => valuesOf(readFields(bodyOf(block), scope)));
    fields[type] = { value: written.length > 1 || LIST_BLOCKS.has(type) ? objects : objects[0], at: positionOf(scope, written[0]) };
  }
  return fields;
}

function valuesOf(fields: Record<string, TemplateField>): { [key: string]: TemplateValue } {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.value]));
}
