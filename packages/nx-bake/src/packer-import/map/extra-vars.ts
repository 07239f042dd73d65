import { literalText } from '../nunjucks-text';
import type { TemplateValue } from '../template';

/** Literal braces of raw blocks, as characters no JSON or k=v syntax reads. */
const SENTINELS: [string, string][] = [
  ['{{', '\uE000'],
  ['}}', '\uE001'],
  ['{%', '\uE002'],
  ['%}', '\uE003'],
  ['{#', '\uE004'],
  ['#}', '\uE005'],
];

/**
 * The vars of an `--extra-vars` argument, as written by Packer users: `k=v k2=v2` or a JSON object; not a
 * `@file`. The argument is already translated, so literal braces (Jinja for Ansible) sit in raw blocks
 * that may span JSON's quotes: their braces are hidden while the text is parsed, then each value's
 * literal part gets a raw block of its own.
 */
export function parseExtraVars(argument: string): Record<string, TemplateValue> | undefined {
  const hidden = argument.replace(/\{% raw %\}(.*?)\{% endraw %\}/gs, (_, text: string) => SENTINELS.reduce((out, [braces, sentinel]) => out.split(braces).join(sentinel), text));
  if (hidden.startsWith('@')) return undefined;
  if (hidden.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(hidden);
    } catch {
      return undefined;
    }
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (restore(parsed as TemplateValue) as Record<string, TemplateValue>) : undefined;
  }
  const pairs = splitWords(hidden).map((word) => /^([A-Za-z_]\w*)=(.*)$/s.exec(word));
  if (pairs.length === 0 || pairs.some((pair) => !pair)) return undefined;
  return Object.fromEntries(pairs.map((pair) => [pair![1], restoreText(pair![2].replace(/^(['"])(.*)\1$/s, '$2'))]));
}

/** Words split at white space outside `{{ }}` (an interpolation keeps its spaces). */
function splitWords(text: string): string[] {
  return text.match(/(?:\{\{.*?\}\}|[^\s{]|\{(?!\{))+/gs) ?? [];
}

function restore(value: TemplateValue): TemplateValue {
  if (typeof value === 'string') return restoreText(value);
  if (Array.isArray(value)) return value.map(restore);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, restore(item)]));
  return value;
}

/** The translator's own `{{ }}` and `{% %}` stay; the text between them is literal, braces and all. */
function restoreText(text: string): string {
  return text
    .split(/(\{\{.*?\}\}|\{%.*?%\})/s)
    .map((part, i) => (i % 2 === 1 ? part : literalText(SENTINELS.reduce((out, [braces, sentinel]) => out.split(sentinel).join(braces), part))))
    .join('');
}
