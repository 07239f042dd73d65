/**
 * HCL function calls as the pipeline's functions and Nunjucks filters, one table. Where the meaning differs
 * (Packer's `timestamp()` is an RFC 3339 string, the pipeline's is unix seconds) the table says what matches;
 * a function without a counterpart is noted and kept as its source text.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { stringLiteral } from '../nunjucks-text';
import { dropped, translateExpression } from './expressions';
import { convertFormatdate } from './formatdate';
import type { SyntaxNode } from './parser';
import { children, namedChildren, note, type Scope } from './scope';
import { expression, operand, staticText, stringParts, text, toExpression, type StringPart, type Translated } from './translated';

interface Call {
  node: SyntaxNode;
  /** The argument nodes, for what needs their syntax (`formatdate`'s `timestamp()`). */
  argumentNodes: SyntaxNode[];
  args: Translated[];
  scope: Scope;
}

type Translation = (call: Call) => Translated;

const code = (value: Translated): string => toExpression(value).code;
const filter = (name: string, extra: (call: Call) => Translated[] = () => []): Translation => (call) => {
  const more = extra(call).map(code);
  return expression(`${operand(call.args[0])} | ${name}${more.length > 0 ? `(${more.join(', ')})` : ''}`);
};
const call = (name: string): Translation => (c) => expression(`${name}(${c.args.map(code).join(', ')})`);
const isTimestampCall = (node: SyntaxNode | undefined): boolean => {
  const inner = node && children(node).length === 1 ? children(node)[0] : node;
  return inner?.type === 'function_call' && namedChildren(inner)[0].text === 'timestamp';
};

/** `/pattern/` in HCL's `replace` is a regular expression; as a Nunjucks regex literal, `/` inside is escaped. */
const regexLiteral = (pattern: string): string => `r/${pattern.replace(/\\?\//g, '\\/')}/g`;

const TRANSLATIONS: Record<string, Translation> = {
  timestamp: () => expression('isotime()'),
  formatdate: translateFormatdate,
  uuidv4: () => expression('uuid()'),
  uuidv5: (c) => {
    note(c.scope, c.node, 'approximated', 'uuidv5() (the same UUID for the same name) became uuid(), a new random UUID on every build');
    return expression('uuid()');
  },
  env: (c) => {
    const name = staticText(c.args[0]);
    if (name !== undefined) c.scope.env.add(name);
    return call('env')(c);
  },
  vault: call('vault'),
  clean_resource_name: call('clean_resource_name'),
  lower: filter('lower'),
  upper: filter('upper'),
  title: filter('title'),
  trimspace: filter('trim'),
  length: filter('length'),
  tostring: filter('string'),
  join: (c) => expression(`${operand(c.args[1])} | join(${code(c.args[0])})`),
  replace: (c) => {
    const pattern = staticText(c.args[1]);
    if (pattern === undefined || !/^\/.*\/$/s.test(pattern)) return filter('replace', () => c.args.slice(1))(c);
    note(c.scope, c.node, 'approximated', `the regular expression ${pattern} is Go's (RE2) syntax, now read as JavaScript's`);
    return expression(`${operand(c.args[0])} | replace(${regexLiteral(pattern.slice(1, -1))}, ${code(c.args[2])})`);
  },
  regex_replace: (c) => {
    const pattern = staticText(c.args[1]);
    if (pattern === undefined) {
      note(c.scope, c.node, 'approximated', 'regex_replace() with a computed pattern has no counterpart: the string is kept unreplaced');
      return c.args[0];
    }
    note(c.scope, c.node, 'approximated', `the regular expression ${JSON.stringify(pattern)} is Go's (RE2) syntax, now read as JavaScript's`);
    return expression(`${operand(c.args[0])} | replace(${regexLiteral(pattern)}, ${code(c.args[2])})`);
  },
  abspath: (c) => c.args[0],
  coalesce: (c) => (c.args.length === 1 ? c.args[0] : expression(c.args.map(operand).join(' or '), false)),
  lookup: (c) => {
    const [map, key, fallback] = c.args.map(operand);
    return fallback === undefined ? expression(`${map}[${code(c.args[1])}]`) : expression(`(${map}[${code(c.args[1])}] if ${key} in ${map} else ${fallback})`);
  },
  concat: (c) => (c.args.every((arg) => arg.kind === 'list') ? { kind: 'list', items: c.args.flatMap((arg) => (arg.kind === 'list' ? arg.items : [])) } : unsupported(c, 'concat() of lists not written out in the template')),
  merge: (c) => (c.args.every((arg) => arg.kind === 'map') ? { kind: 'map', entries: mergedEntries(c.args) } : unsupported(c, 'merge() of maps not written out in the template')),
  format: translateFormat,
  file: readFileAtImport,
};

function unsupported(c: Call, why: string): Translated {
  return dropped([c.node], c.scope, why);
}

function mergedEntries(maps: Translated[]): [string, Translated][] {
  const merged = new Map<string, Translated>();
  for (const map of maps) if (map.kind === 'map') for (const [key, value] of map.entries) merged.set(key, value);
  return [...merged];
}

/** `formatdate(spec, time)`: `timestamp()` is the build's time, so `formatdate("YYYY", timestamp())` is `isotime("2006")`. */
function translateFormatdate(c: Call): Translated {
  const spec = staticText(c.args[0]);
  if (spec === undefined) return unsupported(c, 'formatdate() with a computed format has no counterpart');
  let converted;
  try {
    converted = convertFormatdate(spec);
  } catch (error) {
    return unsupported(c, `formatdate(): ${(error as Error).message}`);
  }
  for (const approximation of converted.approximations) note(c.scope, c.node, 'approximated', `formatdate ${JSON.stringify(spec)}: ${approximation}`);
  const ofBuildTime = isTimestampCall(c.argumentNodes[1]);
  const time = ofBuildTime ? '' : `${operand(c.args[1])} | `;
  const parts = converted.pieces.map((piece): StringPart => ('text' in piece ? piece : { expression: `${time}isotime(${stringLiteral(piece.layout)})`, operand: true }));
  return { kind: 'string', parts };
}

/** `format("%s-%s", a, b)` with `%s`, `%d` and `%v` only: the arguments spliced into the text. */
function translateFormat(c: Call): Translated {
  const spec = staticText(c.args[0]);
  if (spec === undefined || /%(?![sdv%])/.test(spec)) return unsupported(c, 'format() with verbs other than %s, %d and %v has no counterpart');
  const parts: StringPart[] = [];
  let next = 1;
  for (const piece of spec.split(/(%[sdv%])/)) {
    if (piece === '%%') parts.push({ text: '%' });
    else if (/^%[sdv]$/.test(piece)) {
      const arg = c.args[next++];
      if (arg === undefined) return unsupported(c, 'format() with fewer arguments than verbs');
      parts.push(...stringParts(arg));
    } else parts.push({ text: piece });
  }
  return { kind: 'string', parts };
}

/** `file("path")`: Packer reads it at build time; the import reads it now, relative to the template's folder. */
function readFileAtImport(c: Call): Translated {
  const path = staticPath(c.args[0], c.scope);
  if (path === undefined) return unsupported(c, 'file() with a computed path has no counterpart');
  const full = isAbsolute(path) ? path : join(c.scope.dir, path);
  try {
    const contents = readFileSync(full, 'utf8');
    note(c.scope, c.node, 'approximated', `file(${JSON.stringify(path)}) became the file's contents as read at import time (from ${full})`);
    return text(contents);
  } catch (error) {
    return unsupported(c, `file(${JSON.stringify(path)}) could not be read at import time (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** A literal path, or one under `${path.root}` (template_dir, which is the template's folder at import time). */
function staticPath(value: Translated, scope: Scope): string | undefined {
  if (value.kind !== 'string') return undefined;
  const [first, ...rest] = value.parts;
  if (first && 'expression' in first && first.expression === 'template_dir') {
    const under = staticText({ kind: 'string', parts: rest });
    return under === undefined ? undefined : join(scope.dir, under);
  }
  return staticText(value);
}

export function translateCall(node: SyntaxNode, scope: Scope): Translated {
  const parts = namedChildren(node);
  const name = parts[0].text;
  const argumentList = parts.find((part) => part.type === 'function_arguments');
  const argumentNodes = argumentList ? namedChildren(argumentList).filter((part) => part.type === 'expression') : [];
  const translation = TRANSLATIONS[name];
  if (!translation) return dropped([node], scope, `the function ${name}() has no counterpart in a pipeline`);
  if (argumentList && namedChildren(argumentList).some((part) => part.type === 'ellipsis')) return dropped([node], scope, `${name}(...) with expanded arguments has no counterpart`);
  return translation({ node, argumentNodes, args: argumentNodes.map((arg) => translateExpression(arg, scope)), scope });
}

