import { Notes } from '../notes';
import { translateGoTemplate, type GoTemplateScope } from './go-template';

const at = { file: 't.json', line: 3, col: 5 };

function translate(text: string, extra: Partial<GoTemplateScope> = {}) {
  const scope: GoTemplateScope = { at, notes: new Notes(), env: new Set(), ...extra };
  return { text: translateGoTemplate(text, scope), notes: scope.notes.list, env: [...scope.env] };
}

describe("Packer's Go templates as Nunjucks", () => {
  it.each([
    ['plain text', 'plain text'],
    ['{{user `image`}}', '{{ var.image }}'],
    ['{{ user "image" }}:{{user `tag`}}', '{{ var.image }}:{{ var.tag }}'],
    ['{{user `my-var`}}', '{{ var.my_var }}'],
    ['app-{{isotime "06-01-02-03-04-05"}}', 'app-{{ isotime("06-01-02-03-04-05") }}'],
    ['{{isotime}}', '{{ isotime() }}'],
    ['snap-{{timestamp}}', 'snap-{{ timestamp() }}'],
    ['{{uuid}}', '{{ uuid() }}'],
    ['{{template_dir}}/scripts/a.sh', '{{ template_dir }}/scripts/a.sh'],
    ['{{timestamp | clean_resource_name}}', '{{ timestamp() | clean_resource_name }}'],
    ['{{clean_resource_name "A b"}}', '{{ "A b" | clean_resource_name }}'],
    ['{{ user `name` | lower }}', '{{ var.name | lower }}'],
    ['{{vault "secret/data/app" "token"}}', '{{ vault("secret/data/app", "token") }}'],
    ['  {{- user `a` -}}  x', '{{ var.a }}x'],
    // Go's way of writing braces, and Jinja for Ansible, reach the pipeline as text in one raw block.
    ['Welcome to {{`{{`}} ansible_hostname }}', '{% raw %}Welcome to {{ ansible_hostname }}{% endraw %}'],
    ['{{ "{{" }} item }}', '{% raw %}{{ item }}{% endraw %}'],
  ])('%s', (input, expected) => {
    expect(translate(input).text).toBe(expected);
  });

  it('reads env into the pipeline’s env list', () => {
    const result = translate('{{env `DIGITALOCEAN_TOKEN`}}');
    expect(result.text).toBe('{{ env("DIGITALOCEAN_TOKEN") }}');
    expect(result.env).toEqual(['DIGITALOCEAN_TOKEN']);
  });

  it('gives .Vars and .Path their names in a shell execute_command, and reports a dot nothing defines', () => {
    const dotFields = { Vars: 'vars', Path: 'path' };
    expect(translate("chmod +x {{ .Path }}; {{ .Vars }} sudo -E sh '{{ .Path }}'", { dotFields }).text).toBe("chmod +x {{ path }}; {{ vars }} sudo -E sh '{{ path }}'");
    const elsewhere = translate('{{ .HTTPIP }}:{{ .HTTPPort }}');
    expect(elsewhere.text).toBe(':');
    expect(elsewhere.notes).toEqual([
      { at, kind: 'dropped', message: '{{.HTTPIP}}: .HTTPIP is not known here; left out of the value' },
      { at, kind: 'dropped', message: '{{.HTTPPort}}: .HTTPPort is not known here; left out of the value' },
    ]);
  });

  it('names the builder for build_name and build_type, or leaves them to each build’s builder', () => {
    expect(translate('{{build_name}}-{{build_type}}', { builder: { name: 'web', type: 'docker' } }).text).toBe('web-docker');
    const outside = translate('out/{{build_name}}-{{build_type}}');
    expect(outside.text).toBe('out/{{ builder.name }}-{{ builder.type }}');
    expect(outside.notes).toEqual([]);
  });

  it('reports a function without a counterpart and leaves it out', () => {
    const result = translate('{{ consul_key `app/version` }}');
    expect(result.text).toBe('');
    expect(result.notes).toEqual([{ at, kind: 'dropped', message: '{{consul_key `app/version`}}: no counterpart in nx-bake templates; left out of the value' }]);
  });
});
