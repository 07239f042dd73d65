/**
 * Templates that are text around `{{ name.member }}` lookups and nothing else — most templates of a
 * pipeline (`tag: "{{ pipeline.name }}-{{ stage.name }}"`). Nunjucks always parses them; compiling them
 * only to learn that (lexer, code generation and `new Function` per string) was ~20% of the project graph
 * of 300 pipelines (bench case 7), so the syntax check recognises them itself.
 */
const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const PLAIN_LOOKUPS = new RegExp(`^[^{}]*(?:\\{\\{ *${NAME}(?:\\.${NAME})* *\\}\\}[^{}]*)+$`);
const LOOKUP_NAMES = new RegExp(NAME, 'g');
/** Words Nunjucks' lexer or parser give a meaning of their own (literals and operators): left to Nunjucks. */
const RESERVED = new Set(['true', 'false', 'none', 'null', 'not', 'and', 'or', 'in', 'is', 'if', 'else']);

/** Whether `source` is plain text and `{{ a.b.c }}` lookups only, which Nunjucks parses without error. */
export function isPlainLookupTemplate(source: string): boolean {
  if (!PLAIN_LOOKUPS.test(source)) return false;
  const lookups = source.match(/\{\{[^}]*\}\}/g) ?? [];
  return lookups.every((lookup) => (lookup.match(LOOKUP_NAMES) ?? []).every((name) => !RESERVED.has(name)));
}
