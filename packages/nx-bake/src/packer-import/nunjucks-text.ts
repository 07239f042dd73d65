/**
 * How the readers write what they translate: Packer's expressions become Nunjucks interpolations, and text
 * that is not an expression reaches the pipeline as written, even where it holds braces (Jinja for Ansible,
 * cloud-config), inside a raw block.
 */

/** `text` as a Nunjucks template that renders to exactly `text`. */
export function literalText(text: string): string {
  if (!/\{[{%#]/.test(text)) return text;
  // A raw block cannot hold its own end tag: split the text there and emit that tag as an expression.
  return text
    .split('{% endraw %}')
    .map((part) => (part === '' ? '' : `{% raw %}${part}{% endraw %}`))
    .join("{{ '{% endraw %}' }}");
}

/** A Nunjucks expression (`var.image`, `isotime("2006")`) as an interpolation. */
export function interpolation(expression: string): string {
  return `{{ ${expression} }}`;
}

/** A string literal of a Nunjucks expression. */
export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}
