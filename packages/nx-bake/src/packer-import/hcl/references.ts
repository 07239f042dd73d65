/**
 * Names in HCL expressions: `var.x` stays, `local.x` is inlined (pipelines have no locals), `path.root` is
 * the pipeline's `template_dir`, `source.*` and `build.name` are what a pipeline stage knows instead, and
 * what a pipeline has no counterpart for (`data.*`, `build.ID`) is noted and becomes the empty string.
 */
import { applyTraversals, dropped, memberAccess, sourceText, translateExpression } from './expressions';
import type { SyntaxNode } from './parser';
import { namedChildren, note, type Scope } from './scope';
import { EMPTY_STRING, expression, staticText, text, type Translated } from './translated';

/** The attribute a traversal names: `.name`, or `["name"]` with a literal. */
function attributeName(traversal: SyntaxNode | undefined, scope: Scope): string | undefined {
  if (traversal?.type === 'get_attr') return namedChildren(traversal)[0].text;
  const index = traversal?.type === 'index' ? namedChildren(traversal)[0] : undefined;
  if (index?.type !== 'new_index') return undefined;
  return staticText(translateExpression(namedChildren(index)[0], scope));
}

/** `root` (a variable_expr) followed by `traversals`; `whole` is the term they make. */
export function translateReference(root: SyntaxNode, traversals: SyntaxNode[], whole: SyntaxNode[], scope: Scope): Translated {
  const bound = scope.bindings?.get(root.text);
  if (bound) return applyTraversals(bound, traversals, whole, scope);
  const name = attributeName(traversals[0], scope);
  const rest = traversals.slice(1);
  const written = sourceText(whole);
  switch (root.text) {
    case 'var':
      if (name === undefined) break;
      return applyTraversals(expression(`var${memberAccess(name)}`), rest, whole, scope);
    case 'local':
      if (name === undefined) break;
      return applyTraversals(inlineLocal(name, root, scope), rest, whole, scope);
    case 'path':
      if (name === 'root') return expression('template_dir');
      if (name === 'cwd') {
        note(scope, root, 'approximated', 'path.cwd (the folder packer ran in) became template_dir, the pipeline file\'s folder');
        return expression('template_dir');
      }
      break;
    case 'source':
      if (name === 'name' || name === 'type') return sourceAttribute(name, root, scope);
      break;
    case 'build':
      if (name === 'name') {
        note(scope, root, 'approximated', 'build.name became stage.name, the name of the pipeline stage');
        return expression('stage.name');
      }
      note(scope, root, 'dropped', `${written} (known to packer while it builds) has no counterpart in a pipeline: it became the empty string`);
      return EMPTY_STRING;
    case 'data':
      note(scope, root, 'dropped', `${written} (known to packer once it has read the data source) has no counterpart in a pipeline: it became the empty string`);
      return EMPTY_STRING;
  }
  return dropped(whole, scope, `the reference ${written} has no counterpart in a pipeline`);
}

function inlineLocal(name: string, at: SyntaxNode, scope: Scope): Translated {
  const local = scope.locals.get(name);
  if (!local) {
    note(scope, at, 'dropped', `local.${name} is not defined: it became the empty string`);
    return EMPTY_STRING;
  }
  if (scope.inlining.has(name)) {
    note(scope, at, 'dropped', `local.${name} refers to itself: it became the empty string`);
    return EMPTY_STRING;
  }
  return translateExpression(local.expression, { ...scope, file: local.file, inlining: new Set([...scope.inlining, name]) });
}

/** `source.name` / `source.type`: a literal of the source being built; in a build of several, each build's builder. */
function sourceAttribute(attribute: 'name' | 'type', at: SyntaxNode, scope: Scope): Translated {
  const { source } = scope;
  if (!source) {
    note(scope, at, 'dropped', `source.${attribute} is used outside a build: it became the empty string`);
    return EMPTY_STRING;
  }
  if (source.ofSeveral) return expression(`builder.${attribute}`);
  if (attribute === 'name') note(scope, at, 'approximated', `source.name became the literal ${JSON.stringify(source.name)}`);
  return text(source[attribute]);
}
