import type { SourcePosition } from '../../pipeline/types';
import type { Notes } from '../notes';
import { interpolation, literalText, stringLiteral, variableReference } from '../nunjucks-text';

/** What a string's translation may depend on: where it is, for the notes, and what its dot means there. */
export interface GoTemplateScope {
  at: SourcePosition;
  notes: Notes;
  /** Environment variables read through `env`: the pipeline's `env:`. */
  env: Set<string>;
  /** The dot's fields where Packer defines them (`.Vars` and `.Path` in a shell's `execute_command`). */
  dotFields?: Record<string, string>;
  /** `build_name` and `build_type`: the builder the string belongs to, when it belongs to one. */
  builder?: { name: string; type: string };
}

type Token = { kind: 'string'; text: string } | { kind: 'word'; text: string } | { kind: 'pipe' } | { kind: 'paren'; open: boolean };

/**
 * Packer's JSON templates use Go's text/template: `{{user `name`}}`, `{{isotime "2006-01-02"}}`,
 * `{{timestamp | clean_resource_name}}`, `{{ .Vars }}`. Each action becomes a Nunjucks expression over the
 * pipeline's context; text outside actions is kept as written. Go's pipes pass the value on as the last
 * argument, which is what a Nunjucks filter's first argument is.
 */
export function translateGoTemplate(text: string, scope: GoTemplateScope): string {
  let out = '';
  // Literal text, with what actions like `{{"{{"}}` spell, is written at once: one raw block, not pieces.
  let literal = '';
  let rest = text;
  for (;;) {
    const open = rest.indexOf('{{');
    const close = open < 0 ? -1 : rest.indexOf('}}', open + 2);
    if (close < 0) break;
    let before = rest.slice(0, open);
    let action = rest.slice(open + 2, close);
    let after = rest.slice(close + 2);
    // Go's `{{-` and `-}}` trim the white space beside the action.
    if (action.startsWith('- ')) {
      before = before.trimEnd();
      action = action.slice(2);
    }
    if (action.endsWith(' -')) {
      after = after.trimStart();
      action = action.slice(0, -2);
    }
    literal += before;
    const translated = translateAction(action.trim(), scope);
    if (translated.literal !== undefined) literal += translated.literal;
    else {
      out += literalText(literal) + interpolation(translated.expression);
      literal = '';
    }
    rest = after;
  }
  return out + literalText(literal + rest);
}

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\|)|(\()|(\))|([^\s|()"`]+))/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(action)) && match[0] !== '') {
    if (match[1] !== undefined) tokens.push({ kind: 'string', text: JSON.parse(`"${match[1]}"`) as string });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'pipe' });
    else if (match[4] || match[5]) tokens.push({ kind: 'paren', open: Boolean(match[4]) });
    else tokens.push({ kind: 'word', text: match[6] });
  }
  return tokens;
}

type Translated = { expression: string; literal?: undefined } | { literal: string; expression?: undefined };

function translateAction(action: string, scope: GoTemplateScope): Translated {
  const tokens = tokenize(action);
  // `{{"{{"}}`: Go's way of writing braces.
  if (tokens.length === 1 && tokens[0].kind === 'string') return { literal: tokens[0].text };
  const commands: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'pipe') commands.push([]);
    else commands[commands.length - 1].push(token);
  }
  let expression: string | undefined;
  for (const command of commands) {
    const result = translateCommand(command, expression, action, scope);
    if (result === undefined) return { literal: '' };
    expression = result;
  }
  // A constant (`build_name` of a known builder) is text.
  if (expression !== undefined && /^"(?:[^"\\]|\\.)*"$/.test(expression)) return { literal: JSON.parse(expression) as string };
  return { expression: expression ?? "''" };
}

/** One command of a pipeline; `piped` is the previous command's value (Go's last argument). */
function translateCommand(command: Token[], piped: string | undefined, action: string, scope: GoTemplateScope): string | undefined {
  const [head, ...rawArgs] = command;
  if (!head) return piped;
  const args = rawArgs.map((token) => argument(token, scope));
  if (head.kind === 'string') return stringLiteral(head.text);
  if (head.kind !== 'word') return unsupported(action, scope);
  const name = head.text;
  const withPiped = piped === undefined ? args : [...args, piped];
  if (name.startsWith('.')) return dotField(name, action, scope);
  switch (name) {
    case 'user':
      return withPiped.length === 1 && /^"[A-Za-z_][\w-]*"$/.test(withPiped[0]) ? variableReference(JSON.parse(withPiped[0]) as string) : unsupported(action, scope);
    case 'env': {
      const variable = rawArgs[0]?.kind === 'string' ? rawArgs[0].text : undefined;
      if (variable === undefined) return unsupported(action, scope);
      scope.env.add(variable);
      return `env(${stringLiteral(variable)})`;
    }
    case 'isotime':
      return piped !== undefined && args.length === 0 ? `${piped} | isotime` : `isotime(${withPiped.join(', ')})`;
    case 'timestamp':
      return 'timestamp()';
    case 'uuid':
      return 'uuid()';
    case 'template_dir':
      return 'template_dir';
    case 'pwd':
      scope.notes.approximated(scope.at, `{{${action}}}: the folder Packer ran in is the pipeline's folder here (template_dir)`);
      return 'template_dir';
    case 'build_name':
    case 'build_type':
      if (scope.builder) return stringLiteral(name === 'build_name' ? scope.builder.name : scope.builder.type);
      // Where several builders run it, each build renders it with its own builder.
      return name === 'build_name' ? 'builder.name' : 'builder.type';
    case 'clean_resource_name':
    case 'lower':
    case 'upper':
      return withPiped.length === 1 ? (name === 'clean_resource_name' ? `${withPiped[0]} | clean_resource_name` : `${withPiped[0]} | ${name}`) : unsupported(action, scope);
    case 'replace_all':
      return withPiped.length === 3 ? `${withPiped[2]} | replace(${withPiped[0]}, ${withPiped[1]})` : unsupported(action, scope);
    case 'replace':
      // `replace old new n s`: every occurrence when n < 0, as replace_all.
      return withPiped.length === 4 && withPiped[2] === '-1' ? `${withPiped[3]} | replace(${withPiped[0]}, ${withPiped[1]})` : unsupported(action, scope);
    case 'vault':
      return withPiped.length === 2 ? `vault(${withPiped.join(', ')})` : unsupported(action, scope);
    default:
      return unsupported(action, scope);
  }
}

function argument(token: Token, scope: GoTemplateScope): string {
  if (token.kind === 'string') return stringLiteral(token.text);
  if (token.kind === 'word' && /^-?\d+(\.\d+)?$/.test(token.text)) return token.text;
  if (token.kind === 'word' && token.text.startsWith('.')) return dotField(token.text, token.text, scope) ?? "''";
  return token.kind === 'word' ? token.text : '';
}

function dotField(field: string, action: string, scope: GoTemplateScope): string | undefined {
  const mapped = scope.dotFields?.[field.slice(1)];
  if (mapped !== undefined) return mapped;
  return unsupported(action, scope, `${field} is not known here`);
}

function unsupported(action: string, scope: GoTemplateScope, why = 'no counterpart in nx-bake templates'): undefined {
  scope.notes.dropped(scope.at, `{{${action}}}: ${why}; left out of the value`);
  return undefined;
}
