/** `variable "name" { ... }` and `variables { name = default }` blocks as template variables. */
import type { VariableType } from '../../pipeline/types';
import type { TemplateVariable } from '../template';
import { attributeParts, blockHeader, bodyOf, bodyParts, literalBool, translateAttribute } from './body';
import type { SyntaxNode } from './parser';
import { children, namedChildren, note, positionOf, type Scope } from './scope';
import { staticText, toTemplateValue } from './translated';

/** HCL type constraints by their name: primitives, and collection constructors by what they hold. */
const TYPES: Record<string, VariableType | undefined> = {
  string: 'string',
  number: 'number',
  bool: 'boolean',
  list: 'list',
  set: 'list',
  tuple: 'list',
  map: 'map',
  object: 'map',
  any: undefined,
};

function variableType(node: SyntaxNode): VariableType | undefined {
  const [term] = children(node);
  const name = term.type === 'function_call' ? namedChildren(term)[0].text : term.type === 'variable_expr' ? term.text : undefined;
  return name === undefined ? undefined : TYPES[name];
}

export function readVariableBlock(block: SyntaxNode, scope: Scope): TemplateVariable {
  const [name] = blockHeader(block).labels;
  const variable: TemplateVariable = { name, required: true, sensitive: false, at: positionOf(scope, block) };
  const { attributes, blocks } = bodyParts(bodyOf(block));
  for (const attribute of attributes) {
    const { name: field, value } = attributeParts(attribute);
    if (field === 'type') {
      const type = variableType(value);
      if (type !== undefined) variable.type = type;
    } else if (field === 'default') {
      variable.default = toTemplateValue(translateAttribute(attribute, scope));
      variable.required = false;
    } else if (field === 'sensitive') {
      variable.sensitive = literalBool(translateAttribute(attribute, scope)) ?? false;
    } else if (field === 'description') {
      variable.description = staticText(translateAttribute(attribute, scope));
    } else if (field !== 'nullable') {
      note(scope, attribute, 'dropped', `${field} of variable ${name} has no counterpart in a pipeline`);
    }
  }
  for (const nested of blocks) note(scope, nested, 'dropped', `the ${blockHeader(nested).type} block of variable ${name} has no counterpart in a pipeline`);
  if (variable.description === undefined) delete variable.description;
  return variable;
}

/** `variables { name = default }`: each attribute a variable with that default. */
export function readVariablesBlock(block: SyntaxNode, scope: Scope): TemplateVariable[] {
  return bodyParts(bodyOf(block)).attributes.map((attribute) => ({
    name: attributeParts(attribute).name,
    default: toTemplateValue(translateAttribute(attribute, scope)),
    required: false,
    sensitive: false,
    at: positionOf(scope, attribute),
  }));
}
