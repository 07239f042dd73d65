/**
 * `[for k, v in coll : ...]` and `{for k, v in coll : key => value}`. Nunjucks has no comprehension that
 * makes a list or map field, so a for expression is unrolled at import time — when the collection is
 * known then: written out, or a variable's default (or a folder's auto var file value). A value given
 * when baking does not change the result, and the note says so.
 */
import { dropped, translateExpression } from './expressions';
import type { SyntaxNode } from './parser';
import { children, namedChildren, note, type Scope } from './scope';
import { staticText, text, type Translated } from './translated';

interface ForParts {
  names: string[];
  collection: SyntaxNode;
  /** The tuple form's value, or the object form's key and value. */
  bodies: SyntaxNode[];
  condition?: SyntaxNode;
  grouped: boolean;
}

function forParts(node: SyntaxNode): ForParts {
  const intro = namedChildren(node).find((part) => part.type === 'for_intro')!;
  const names = namedChildren(intro).filter((part) => part.type === 'identifier').map((part) => part.text);
  const collection = namedChildren(intro).find((part) => part.type === 'expression')!;
  const bodies = namedChildren(node).filter((part) => part.type === 'expression');
  const condition = namedChildren(node).find((part) => part.type === 'for_cond');
  return {
    names,
    collection,
    bodies,
    condition: condition && namedChildren(condition).find((part) => part.type === 'expression'),
    grouped: children(node).some((part) => part.type === 'ellipsis'),
  };
}

/** The collection's elements as key and value (a list's keys are its indexes), or why they are not known at import. */
function elements(collection: SyntaxNode, scope: Scope): { entries: [Translated, Translated][]; from?: string } | { unknown: string } {
  let value = translateExpression(collection, scope);
  let from: string | undefined;
  const variable = value.kind === 'expression' ? /^var\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(value.code)?.[1] : undefined;
  if (variable !== undefined) {
    const known = scope.variableValues.get(variable);
    if (!known) return { unknown: `var.${variable} has no default` };
    value = translateExpression(known.expression, { ...scope, file: known.file });
    from = `var.${variable}'s ${known.origin}`;
  }
  if (value.kind === 'list') return { entries: value.items.map((item, index) => [{ kind: 'scalar', value: index }, item]), from };
  if (value.kind === 'map') return { entries: value.entries.map(([key, item]) => [text(key), item]), from };
  return { unknown: `${collection.text} is not a list or map known at import` };
}

export function translateFor(node: SyntaxNode, scope: Scope): Translated {
  const form = namedChildren(node)[0];
  const parts = forParts(form);
  const known = elements(parts.collection, scope);
  if ('unknown' in known) return dropped([node], scope, `a for expression is unrolled at import, and ${known.unknown}`);
  if (known.from) note(scope, node, 'approximated', `the for expression was unrolled with ${known.from}; a value given when baking does not change it`);

  const items: Translated[] = [];
  const entries: [string, Translated][] = [];
  for (const [key, value] of known.entries) {
    const bindings = new Map(scope.bindings);
    if (parts.names.length === 2) bindings.set(parts.names[0], key);
    bindings.set(parts.names[parts.names.length - 1], value);
    const inner: Scope = { ...scope, bindings };
    if (parts.condition) {
      const keep = translateExpression(parts.condition, inner);
      if (keep.kind !== 'scalar' || typeof keep.value !== 'boolean') return dropped([node], scope, 'a for expression is unrolled at import, and its if condition is not known then');
      if (!keep.value) continue;
    }
    if (form.type === 'for_tuple_expr') {
      items.push(translateExpression(parts.bodies[0], inner));
      continue;
    }
    const name = staticText(translateExpression(parts.bodies[0], inner));
    if (name === undefined) return dropped([node], scope, 'a for expression is unrolled at import, and its keys are not known then');
    const item = translateExpression(parts.bodies[1], inner);
    const existing = entries.find(([other]) => other === name);
    // `...` groups the values of a key into a list; without it, a later value of a key wins.
    if (existing && parts.grouped && existing[1].kind === 'list') existing[1].items.push(item);
    else if (existing) existing[1] = item;
    else entries.push([name, parts.grouped ? { kind: 'list', items: [item] } : item]);
  }
  return form.type === 'for_tuple_expr' ? { kind: 'list', items } : { kind: 'map', entries };
}
