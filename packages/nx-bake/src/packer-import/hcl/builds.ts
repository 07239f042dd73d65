/**
 * `build` blocks: the sources they run (by `sources` and by build-level `source` blocks), their provisioners
 * and post-processor chains. Build-level `source` blocks that rename a source become builders of their own.
 */
import { EXECUTE_COMMAND_FIELDS, type TemplateBlock, type TemplateBuild, type TemplateField, type TemplateValue } from '../template';
import { attributeParts, blockHeader, bodyOf, readFields, translateAttribute } from './body';
import type { SyntaxNode } from './parser';
import { namedChildren, note, positionOf, type Scope } from './scope';
import { staticText, toTemplateValue, type Translated } from './translated';

/** Sources are named `source.<type>.<name>` in builds; the template model names builders `<type>.<name>`. */
const withoutSourcePrefix = (name: string): string => name.replace(/^source\./, '');

export interface ReadBuild {
  build: TemplateBuild;
  description?: string;
}

/** A provisioner's or post-processor's `only`/`except`: the source names as written, without `source.`. */
function sourceFilters(fields: Record<string, TemplateField>): void {
  for (const key of ['only', 'except']) {
    const field = fields[key];
    if (field && Array.isArray(field.value)) field.value = field.value.map((name: TemplateValue) => (typeof name === 'string' ? withoutSourcePrefix(name) : name));
  }
}

function readPluginBlock(block: SyntaxNode, scope: Scope): TemplateBlock {
  const [type] = blockHeader(block).labels;
  const fields = readFields(bodyOf(block), scope, [], type === 'shell' ? { execute_command: EXECUTE_COMMAND_FIELDS } : {});
  sourceFilters(fields);
  return { type, fields, at: positionOf(scope, block) };
}

/** `builders` gets the builders that build-level `source` blocks with a `name` make. */
export function readBuildBlock(block: SyntaxNode, scope: Scope, builders: TemplateBlock[]): ReadBuild {
  const build: TemplateBuild = { sources: [], provisioners: [], postProcessors: [], at: positionOf(scope, block) };
  const result: ReadBuild = { build };
  const parts = namedChildren(bodyOf(block) ?? block).filter((part) => part.type === 'attribute' || part.type === 'block');
  // The sources first: `source.name` in the provisioners is theirs.
  for (const part of parts) {
    if (part.type === 'attribute') readBuildAttribute(part, scope, result);
    else if (blockHeader(part).type === 'source') readBuildSource(part, scope, build, builders);
  }
  const [first] = build.sources;
  const firstBuilder = builders.find((builder) => builder.name === first);
  const buildScope: Scope = firstBuilder ? { ...scope, source: { type: firstBuilder.type, name: first.slice(firstBuilder.type.length + 1), ofSeveral: build.sources.length > 1 } } : scope;
  for (const part of parts.filter((part) => part.type === 'block')) {
    const { type } = blockHeader(part);
    if (type === 'source') continue;
    if (type === 'provisioner') build.provisioners.push(readPluginBlock(part, buildScope));
    else if (type === 'post-processor') build.postProcessors.push([readPluginBlock(part, buildScope)]);
    else if (type === 'post-processors') {
      const chain = namedChildren(bodyOf(part) ?? part).filter((inner) => inner.type === 'block' && blockHeader(inner).type === 'post-processor');
      build.postProcessors.push(chain.map((inner) => readPluginBlock(inner, buildScope)));
    } else note(scope, part, 'dropped', `the ${type} block of a build has no counterpart in a pipeline`);
  }
  return result;
}

function readBuildAttribute(attribute: SyntaxNode, scope: Scope, result: ReadBuild): void {
  const { name } = attributeParts(attribute);
  const value = translateAttribute(attribute, scope);
  if (name === 'name' || name === 'description') {
    const written = toTemplateValue(value);
    if (typeof written === 'string') {
      if (name === 'name') result.build.name = written;
      else result.description = written;
    }
  } else if (name === 'sources') {
    for (const source of listItems(value)) {
      const sourceName = staticText(source);
      if (sourceName === undefined) note(scope, attribute, 'dropped', 'a computed source name has no counterpart: the source is left out');
      else result.build.sources.push(withoutSourcePrefix(sourceName));
    }
  } else note(scope, attribute, 'dropped', `${name} of a build has no counterpart in a pipeline`);
}

const listItems = (value: Translated): Translated[] => (value.kind === 'list' ? value.items : [value]);

/**
 * `source "source.docker.ubuntu" { ... }` in a build: Packer fills the top-level source's unset fields in
 * for this build. With a `name`, that is a builder of its own (`docker.<name>`); without, its fields would
 * change the source for this build only, which the model cannot say: they are noted.
 */
function readBuildSource(block: SyntaxNode, scope: Scope, build: TemplateBuild, builders: TemplateBlock[]): void {
  const label = withoutSourcePrefix(blockHeader(block).labels[0] ?? '');
  const base = builders.find((builder) => builder.name === label);
  if (!base) {
    note(scope, block, 'dropped', `the build's source ${JSON.stringify(label)} names no top-level source block: it is left out`);
    return;
  }
  const { name, ...fields } = readFields(bodyOf(block), { ...scope, source: { type: base.type, name: label.slice(base.type.length + 1), ofSeveral: false } });
  if (name && typeof name.value === 'string') {
    const copy: TemplateBlock = { type: base.type, name: `${base.type}.${name.value}`, fields: { ...base.fields, ...fields }, at: positionOf(scope, block) };
    builders.push(copy);
    build.sources.push(copy.name!);
    return;
  }
  build.sources.push(label);
  const set = Object.entries(fields).map(([field, { value }]) => `${field} = ${JSON.stringify(value)}`);
  if (set.length > 0) note(scope, block, 'approximated', `the build sets ${set.join(', ')} on ${label} for itself only; not applied (set them on the source, or give the build's source a name)`);
}
