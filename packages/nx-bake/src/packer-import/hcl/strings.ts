/**
 * HCL string templates (quoted strings and heredocs) as pipeline strings: literal text stays literal (braces
 * included, see literalText), `${ ... }` becomes `{{ ... }}`. The literal text is cut from the source between
 * the interpolations, because the grammar's template_literal nodes leave out the whitespace at their edges.
 */
import { translateExpression } from './expressions';
import { children, namedChildren, note, type Scope } from './scope';
import type { SyntaxNode } from './parser';
import { stringParts, type StringPart, type Translated } from './translated';

type Piece = { text: string } | { interpolation: SyntaxNode } | { directive: SyntaxNode };

const QUOTED_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** A quoted string's escapes (`\n`, `\"`, `\u00e9`) and, as in heredocs, `$${` and `%%{` for a literal `${` and `%{`. */
export function decodeQuoted(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/g, (match, escape: string | undefined) => {
    if (escape === undefined) return match.slice(1);
    if (escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    return QUOTED_ESCAPES[escape] ?? match;
  });
}

const decodeHeredoc = (raw: string): string => raw.replace(/\$\$\{|%%\{/g, (match) => match.slice(1));

/** `string_lit`, `template_expr`, `quoted_template` or `heredoc_template` as a string. */
export function translateString(node: SyntaxNode, scope: Scope): Translated {
  const template = node.type === 'template_expr' ? namedChildren(node)[0] : node;
  if (template.type === 'heredoc_template') return translateHeredoc(template, scope);
  const parts = children(template);
  const pieces = piecesBetween(template, parts[0].endIndex, parts[parts.length - 1].startIndex);
  return { kind: 'string', parts: partsOf(stripped(pieces), decodeQuoted, scope) };
}

function translateHeredoc(node: SyntaxNode, scope: Scope): Translated {
  const parts = children(node);
  const [start, opener, closer] = [parts[0], parts[1], parts[parts.length - 1]];
  const source = node.text;
  const offset = (index: number): number => index - node.startIndex;
  // The text runs from the line after `<<EOF` to the end of the line before the closing `EOF`.
  const from = node.startIndex + source.indexOf('\n', offset(opener.endIndex)) + 1;
  const to = node.startIndex + source.lastIndexOf('\n', offset(closer.startIndex) - 1) + 1;
  let pieces = to > from ? piecesBetween(node, from, to) : [];
  if (start.text === '<<-') pieces = flushed(pieces);
  return { kind: 'string', parts: partsOf(stripped(pieces), decodeHeredoc, scope) };
}

/** The template between two source indexes: the text between interpolations and directives, and those. */
function piecesBetween(template: SyntaxNode, from: number, to: number): Piece[] {
  const source = template.text;
  const slice = (start: number, end: number): string => source.slice(start - template.startIndex, end - template.startIndex);
  const pieces: Piece[] = [];
  let cursor = from;
  for (const child of children(template)) {
    if (child.type !== 'template_interpolation' && child.type !== 'template_directive') continue;
    if (child.startIndex < from || child.endIndex > to) continue;
    if (child.startIndex > cursor) pieces.push({ text: slice(cursor, child.startIndex) });
    pieces.push(child.type === 'template_interpolation' ? { interpolation: child } : { directive: child });
    cursor = child.endIndex;
  }
  if (to > cursor) pieces.push({ text: slice(cursor, to) });
  return pieces;
}

/** Stands for an interpolation or directive while lines are flushed: not whitespace, so such a line has its indentation. */
const PLACEHOLDER = '\u0000';
const indentOf = (line: string): number => /^[ \t]*/.exec(line)![0].length;

/** `<<-EOF`: every line loses the indentation of the least indented one (blank lines do not count). */
function flushed(pieces: Piece[]): Piece[] {
  const lines = pieces
    .map((piece) => ('text' in piece ? piece.text : PLACEHOLDER))
    .join('')
    .split('\n');
  const least = Math.min(...lines.filter((line) => line.trim() !== '').map(indentOf));
  if (!Number.isFinite(least) || least === 0) return pieces;
  const texts = lines
    .map((line) => line.slice(Math.min(least, indentOf(line))))
    .join('\n')
    .split(PLACEHOLDER);
  const others = pieces.filter((piece) => !('text' in piece));
  return texts.flatMap((text, index) => [...(text === '' ? [] : [{ text }]), ...(index < others.length ? [others[index]] : [])]);
}

/** `${~ x ~}`: the strip markers remove the whitespace of the text beside them. */
function stripped(pieces: Piece[]): Piece[] {
  const result = pieces.map((piece) => ({ ...piece }));
  result.forEach((piece, index) => {
    if (!('interpolation' in piece) && !('directive' in piece)) return;
    const node = 'interpolation' in piece ? piece.interpolation : piece.directive;
    const tokens = children(node);
    const stripsBefore = tokens[1]?.type === 'strip_marker';
    const stripsAfter = tokens[tokens.length - 2]?.type === 'strip_marker';
    const before = result[index - 1];
    const after = result[index + 1];
    if (stripsBefore && before && 'text' in before) before.text = before.text.replace(/\s+$/, '');
    if (stripsAfter && after && 'text' in after) after.text = after.text.replace(/^\s+/, '');
  });
  return result;
}

/** Literal text, with the Go template fields Packer fills in there (a shell's `{{ .Path }}`) as pipeline names. */
function literalParts(text: string, scope: Scope): StringPart[] {
  if (!scope.dotFields) return [{ text }];
  const dotFields = scope.dotFields;
  return text.split(/(\{\{\s*\.[A-Za-z]+\s*\}\})/).map((part): StringPart => {
    const name = /^\{\{\s*\.([A-Za-z]+)\s*\}\}$/.exec(part)?.[1];
    return name !== undefined && name in dotFields ? { expression: dotFields[name], operand: true } : { text: part };
  });
}

function partsOf(pieces: Piece[], decode: (raw: string) => string, scope: Scope): StringPart[] {
  return pieces.flatMap((piece): StringPart[] => {
    if ('text' in piece) return literalParts(decode(piece.text), scope);
    if ('directive' in piece) {
      note(scope, piece.directive, 'approximated', `template directive ${JSON.stringify(piece.directive.text.split('\n')[0])} kept as literal text: pipelines have no %{ if } / %{ for }`);
      return [{ text: piece.directive.text }];
    }
    const inner = namedChildren(piece.interpolation).find((child) => child.type === 'expression');
    return inner ? stringParts(translateExpression(inner, scope)) : [];
  });
}
