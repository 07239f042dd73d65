/**
 * The one-stage DigitalOcean pipeline the fault, interrupt and reliability tests bake against the fake
 * cloud: a sensitive `token` variable feeds `api_token`, polling is fast, and the stage (`only`) runs the
 * provisioners given (YAML list items, indented by six spaces as under `provisioners:`).
 */
export interface OneStageDoPipeline {
  name: string;
  /** Extra builder fields, one `key: value` per line (e.g. `shutdown_timeout: 2s`). */
  builderFields?: string;
  /** Extra variable declarations, one `name: { ... }` per line. */
  variables?: string;
  provisioners?: string;
}

/** `text`'s non-empty lines, trimmed and indented by `spaces` (extra fields under a YAML key). */
export function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => `${' '.repeat(spaces)}${line.trim()}`)
    .join('\n');
}

export const SHELL_SCRIPT_PROVISIONER = `      - type: shell
        script: only/setup.sh`;

export function oneStageDoPipeline({ name, builderFields = '', variables = '', provisioners = SHELL_SCRIPT_PROVISIONER }: OneStageDoPipeline): string {
  return `name: ${name}
variables:
  token: { type: string, sensitive: true }
${variables ? `${indent(variables, 2)}\n` : ''}builders:
  cloud:
    type: digitalocean
    api_token: "{{ var.token }}"
    region: nyc3
    size: s-1vcpu-1gb
    poll_interval: 200ms
${builderFields ? `${indent(builderFields, 4)}\n` : ''}stages:
  - name: only
    from: { image: debian-12-x64 }
    provisioners:
${provisioners}
`;
}
