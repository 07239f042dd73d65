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

/** A Packer variable name as a pipeline's (`var.<name>`, `BAKE_VAR_<name>`): `-` and other characters become `_`. */
export function pipelineVariableName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** The expression reading a Packer variable. */
export function variableReference(name: string): string {
  return `var.${pipelineVariableName(name)}`;
}
