/** An undefined name in a template: the message names it. */
export class UndefinedName extends Error {
  constructor(
    readonly variable: string,
    hint = '',
  ) {
    super(`undefined variable '${variable}' in template${hint}`);
  }
}

export const RAW_HINT = ` (to keep a literal '{{ ... }}', e.g. an Ansible expression, wrap it in {% raw %}...{% endraw %})`;
export const envHint = (name: string): string => ` (list '${name}' under the pipeline's env: to read it)`;
