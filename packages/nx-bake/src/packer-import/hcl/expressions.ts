/**
 * HCL expressions as Nunjucks: literals stay values, collections stay lists and maps, operators and
 * conditionals get Nunjucks' spelling, references and functions go to references.ts and functions.ts.
 * What has no counterpart is noted and kept as its source text.
 */
import { translateFor } from './for-expressions';
import { translateCall } from './functions';
import type { SyntaxNode } from './parser';
import { translateReference } from './references';
import { children, namedChildren, note, type Scope } from './scope';
import { translateString } from './strings';
import { expression, operand, staticText, text, toExpression, type Translated } from './translated';

/** An `expression` node, or any node that can stand for one (a literal, a function call, ...). */
export function translateExpression(node: SyntaxNode, scope: Scope): Translated {
  if (node.type !== 'expression') return translateTerm([node], scope);
  const parts = children(node);
  if (parts.length === 1 && parts[0].type === 'conditional') return translateConditional(parts[0], scope);
  return translateTerm(parts, scope);
}

/** The source text from the first node to the last (siblings). */
export function sourceText(nodes: SyntaxNode[]): string {
  const [first, last] = [nodes[0], nodes[nodes.length - 1]];
  const parent = first.parent;
  if (!parent) return first.text;
  return parent.text.slice(first.startIndex - parent.startIndex, last.endIndex - parent.startIndex);
}

/** What has no counterpart: noted where it is written, kept as its source text. */
export function dropped(nodes: SyntaxNode[], scope: Scope, why: string): Translated {
  const written = sourceText(nodes);
  note(scope, nodes[0], 'dropped', `${why}: kept as the literal text ${JSON.stringify(written)}`);
  return text(written);
}

/** A term: a primary (a literal, a reference, a call, a parenthesized expression) and its traversals. */
function translateTerm(nodes: SyntaxNode[], scope: Scope): Translated {
  const [first] = nodes;
  if (first.type === '(') return applyTraversals(translateExpression(nodes[1], scope), nodes.slice(3), nodes, scope);
  if (first.type === 'variable_expr') return translateReference(first, nodes.slice(1), nodes, scope);
  return applyTraversals(translatePrimary(first, scope), nodes.slice(1), nodes, scope);
}

function translatePrimary(node: SyntaxNode, scope: Scope): Translated {
  switch (node.type) {
    case 'literal_value':
      return translateLiteral(namedChildren(node)[0], scope);
    case 'template_expr':
      return translateString(node, scope);
    case 'collection_value':
      return translateCollection(namedChildren(node)[0], scope);
    case 'function_call':
      return translateCall(node, scope);
    case 'operation':
      return translateOperation(namedChildren(node)[0], scope);
    case 'conditional':
      return translateConditional(node, scope);
    case 'for_expr':
      return translateFor(node, scope);
    default:
      return dropped([node], scope, `unsupported expression (${node.type})`);
  }
}

function translateLiteral(node: SyntaxNode, scope: Scope): Translated {
  switch (node.type) {
    case 'numeric_lit':
      return { kind: 'scalar', value: Number(node.text) };
    case 'bool_lit':
      return { kind: 'scalar', value: node.text === 'true' };
    case 'null_lit':
      return { kind: 'scalar', value: null };
    default:
      return translateString(node, scope);
  }
}

function translateCollection(node: SyntaxNode, scope: Scope): Translated {
  if (node.type === 'tuple') {
    return { kind: 'list', items: namedChildren(node).filter((child) => child.type === 'expression').map((item) => translateExpression(item, scope)) };
  }
  const entries: [string, Translated][] = [];
  for (const element of namedChildren(node).filter((child) => child.type === 'object_elem')) {
    const key = element.childForFieldName('key')!;
    const value = element.childForFieldName('val')!;
    const name = objectKey(key, scope);
    if (name === undefined) dropped([element], scope, 'an object key that is computed has no counterpart');
    else entries.push([name, translateExpression(value, scope)]);
  }
  return { kind: 'map', entries };
}

/** `{ name = ... }` and `{ "name" = ... }` keys; a computed key (`(var.k) = ...`) has none at import time. */
function objectKey(key: SyntaxNode, scope: Scope): string | undefined {
  const parts = children(key);
  if (parts.length === 1 && parts[0].type === 'variable_expr') return parts[0].text;
  return staticText(translateExpression(key, scope));
}

function translateConditional(node: SyntaxNode, scope: Scope): Translated {
  const [condition, whenTrue, whenFalse] = namedChildren(node).map((part) => translateExpression(part, scope));
  return expression(`(${operand(whenTrue)} if ${operand(condition)} else ${operand(whenFalse)})`);
}

const BINARY_OPERATORS: Record<string, string> = {
  '*': '*',
  '/': '/',
  '%': '%',
  '+': '+',
  '-': '-',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '==': '==',
  '!=': '!=',
  '&&': 'and',
  '||': 'or',
};

function translateOperation(node: SyntaxNode, scope: Scope): Translated {
  const parts = children(node);
  if (node.type === 'unary_operation') {
    const value = translateTerm(parts.slice(1), scope);
    return expression(parts[0].type === '!' ? `not ${operand(value)}` : `-${operand(value)}`, false);
  }
  // The operands are terms, flattened into the operation: split at its own operator.
  const at = parts.findIndex((part) => !part.isNamed && part.type in BINARY_OPERATORS);
  const left = translateTerm(parts.slice(0, at), scope);
  const right = translateTerm(parts.slice(at + 1), scope);
  return expression(`${operand(left)} ${BINARY_OPERATORS[parts[at].type]} ${operand(right)}`, false);
}

/** A Nunjucks member access: `.name` where the name is an identifier there, else `["name"]`. */
export function memberAccess(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** `.name`, `[expr]`, `.0` after a value — taken at import from a list or map written out; a splat (`[*]`, `.*`) has no counterpart. */
export function applyTraversals(base: Translated, traversals: SyntaxNode[], whole: SyntaxNode[], scope: Scope): Translated {
  let value = base;
  let rest = traversals;
  for (; rest.length > 0; rest = rest.slice(1)) {
    const element = staticElement(value, rest[0], scope);
    if (element === undefined) break;
    value = element;
  }
  if (rest.length === 0) return value;
  let code = operand(value);
  for (const traversal of rest) {
    const step = traversalCode(traversal, scope);
    if (step === undefined) return dropped(whole, scope, 'a splat expression has no counterpart in a pipeline');
    code += step;
  }
  return expression(code);
}

/** The element a traversal picks from a list or map known at import, if it can be picked then. */
function staticElement(value: Translated, traversal: SyntaxNode, scope: Scope): Translated | undefined {
  if (value.kind !== 'list' && value.kind !== 'map') return undefined;
  let key: string | number | undefined;
  if (traversal.type === 'get_attr') key = namedChildren(traversal)[0].text;
  else if (traversal.type === 'index') {
    const index = namedChildren(traversal)[0];
    if (index.type === 'legacy_index') key = Number(index.text.slice(1));
    else {
      const written = translateExpression(namedChildren(index)[0], scope);
      key = written.kind === 'scalar' && typeof written.value === 'number' ? written.value : staticText(written);
    }
  }
  if (value.kind === 'list') return typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key)) ? value.items[Number(key)] : undefined;
  return key === undefined ? undefined : value.entries.find(([name]) => name === String(key))?.[1];
}

function traversalCode(traversal: SyntaxNode, scope: Scope): string | undefined {
  if (traversal.type === 'get_attr') return memberAccess(namedChildren(traversal)[0].text);
  if (traversal.type !== 'index') return undefined;
  const index = namedChildren(traversal)[0];
  if (index.type === 'legacy_index') return `[${index.text.slice(1)}]`;
  return `[${toExpression(translateExpression(namedChildren(index)[0], scope)).code}]`;
}
