import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonTemplate, readJsonVarFile } from '../json/read-json-template';
import { mapTemplates } from './pipeline';
import type { ReportLine } from './report';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'packer-import-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, content: unknown): string {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return join(dir, path);
}

function importJson(files: string[], varFiles: string[] = []) {
  const inputs = files.map((file) => ({ template: readJsonTemplate(join(dir, file)), dir }));
  return mapTemplates(inputs, varFiles.map((file) => readJsonVarFile(join(dir, file))), 'web');
}

const lines = (report: ReportLine[], kind: ReportLine['kind']) => report.filter((line) => line.kind === kind).map((line) => `${line.at.line}: ${line.message}`);

const DIGITALOCEAN = {
  variables: { do_token: '{{env `DIGITALOCEAN_TOKEN`}}', region: 'fra1', app_password: null, size: 's-1vcpu-1gb' },
  'sensitive-variables': ['app_password'],
  builders: [
    {
      type: 'digitalocean',
      api_token: '{{user `do_token`}}',
      image: 'debian-12-x64',
      region: '{{user `region`}}',
      size: '{{user `size`}}',
      ssh_username: 'root',
      snapshot_name: 'web-{{isotime "2006-01-02"}}',
      user_data_file: 'cloud-init.yaml',
      droplet_agent: false,
    },
  ],
  provisioners: [
    { type: 'shell', scripts: ['scripts/base.sh'], environment_vars: ['APP_PASSWORD={{user `app_password`}}'], execute_command: "{{ .Vars }} bash '{{ .Path }}'", pause_before: '5s' },
    { type: 'ansible', playbook_file: 'ansible/site.yml', user: 'root', extra_arguments: ['-e', 'role=web tier=front', '--tags', 'setup'], inventory_directory: 'inv', only: ['digitalocean'] },
    { type: 'powershell', inline: ['Write-Host hi'] },
  ],
  'post-processors': ['compress', { type: 'manifest', output: 'out.json' }],
};

describe('a Packer JSON template as a pipeline', () => {
  it('maps a DigitalOcean template: builder fields, from, provisioners, copies, variables and env', () => {
    write('web.json', DIGITALOCEAN);
    write('cloud-init.yaml', '#cloud-config\n');
    write('scripts/base.sh', 'echo base\n');
    write('ansible/site.yml', '- hosts: all\n');
    write('ansible/roles/web/tasks/main.yml', '- debug: msg=hi\n');
    const { document, copies, report } = importJson(['web.json']);
    expect(document).toEqual({
      name: 'web',
      description: 'Imported from Packer (web.json)',
      variables: { do_token: { default: '', sensitive: true }, region: { default: 'fra1' }, app_password: { sensitive: true }, size: { default: 's-1vcpu-1gb' } },
      env: ['DIGITALOCEAN_TOKEN'],
      builders: {
        digitalocean: {
          type: 'digitalocean',
          api_token: '{{ (var.do_token or env("DIGITALOCEAN_TOKEN")) }}',
          region: '{{ var.region }}',
          size: '{{ var.size }}',
          ssh_username: 'root',
          snapshot_name: 'web-{{ isotime("2006-01-02") }}',
          user_data_file: 'web/cloud-init.yaml',
        },
      },
      stages: [
        {
          name: 'web',
          from: { image: 'debian-12-x64' },
          provisioners: [
            { type: 'shell', environment_vars: ['APP_PASSWORD={{ var.app_password }}'], execute_command: "{{ vars }} bash '{{ path }}'", scripts: ['web/scripts/base.sh'], pause_before: '5s' },
            { type: 'ansible', playbook: 'web/ansible/site.yml', vars: { role: 'web', tier: 'front' }, extra_arguments: ['--tags', 'setup'], user: 'root', only: ['digitalocean'] },
          ],
        },
      ],
    });
    expect(copies.map((copy) => [copy.from.slice(dir.length + 1), copy.to]).sort()).toEqual([
      ['ansible', 'web/ansible'],
      ['cloud-init.yaml', 'web/cloud-init.yaml'],
      ['scripts/base.sh', 'web/scripts/base.sh'],
    ]);
    expect(lines(report, 'dropped')).toEqual([
      "21: droplet_agent: not a field of nx-bake's digitalocean builder",
      "59: post-processor compress: nx-bake has no post-processors beyond the manifest and the Docker builder's tag and push",
      "62: manifest output: the manifest's place is the stage's output folder, where Nx caches it",
      '46: ansible inventory_directory: nx-bake writes the inventory itself, in the build’s temporary folder',
      '51: provisioner powershell: nx-bake has shell, file and ansible provisioners',
    ]);
    expect(lines(report, 'secret')).toEqual(['3: variable do_token: looks like a secret, so it is sensitive (never logged, recorded or hashed)']);
    expect(lines(report, 'approximated')).toEqual(['3: variable do_token: its default {{ env("DIGITALOCEAN_TOKEN") }} is read where it is used, as (var.do_token or env("DIGITALOCEAN_TOKEN"))']);
  });

  it('keeps a var file’s values but not its secrets, and makes those variables sensitive', () => {
    write('web.json', DIGITALOCEAN);
    write('prod.json', { region: 'ams3', do_token: 'dop_v1_0123456789abcdef', app_password: 'hunter2', unknown: 1 });
    const { varFiles, report, document } = importJson(['web.json'], ['prod.json']);
    expect(varFiles).toEqual([{ name: 'prod.yaml', values: { region: 'ams3' } }]);
    expect(JSON.stringify(varFiles)).not.toContain('hunter2');
    expect(JSON.stringify(document)).not.toContain('dop_v1_');
    expect(report.filter((line) => line.at.file.endsWith('prod.json')).map((line) => `${line.kind} ${line.message.split(':')[0]}`)).toEqual([
      'mapped region → var file',
      'secret do_token',
      'secret app_password',
      'dropped unknown',
    ]);
  });

  it('chains templates whose base image is another’s Docker tag, in any order, and shares the builder', () => {
    const docker = (image: string, tag: string, line: string) => ({
      variables: { repo: 'acme/web' },
      builders: [{ type: 'docker', image, commit: true, changes: ['ENV LAYER=' + tag] }],
      provisioners: [{ type: 'shell', inline: [line] }],
      'post-processors': [[{ type: 'docker-tag', repository: '{{user `repo`}}', tag }]],
    });
    write('app.json', docker('{{user `repo`}}:base', 'app', 'echo app'));
    write('base.json', docker('debian:bookworm', 'base', 'echo base'));
    const { document, report } = importJson(['app.json', 'base.json']);
    expect(document.builders).toEqual({ docker: { type: 'docker', repository: '{{ var.repo }}', tag: '{{ stage.name }}' } });
    expect((document.stages as { name: string; from: unknown; builder_overrides: unknown }[]).map((stage) => [stage.name, stage.from, stage.builder_overrides])).toEqual([
      ['base', { image: 'debian:bookworm' }, { docker: { changes: ['ENV LAYER=base'] } }],
      ['app', { stage: 'base' }, { docker: { changes: ['ENV LAYER=app'] } }],
    ]);
    expect(lines(report, 'mapped').filter((line) => line.includes('its base'))).toEqual(["6: builder docker: its base is base's artifact (its Docker tag): from: { stage: base }"]);
  });

  it('tags each builder as the docker-tag whose only/except names it, not every builder as the last one', () => {
    write('two.json', {
      builders: [
        { type: 'docker', name: 'bookworm', image: 'debian:bookworm', commit: true },
        { type: 'docker', name: 'jammy', image: 'ubuntu:22.04', commit: true },
      ],
      'post-processors': [
        [{ type: 'docker-tag', only: ['bookworm'], repository: 'acme/os', tags: ['bookworm'] }],
        [{ type: 'docker-tag', except: ['bookworm'], repository: 'acme/os', tags: ['jammy'] }],
        [{ type: 'docker-push', only: ['nope'] }],
      ],
      provisioners: [{ type: 'shell', inline: ['true'] }],
    });
    const { document, report } = importJson(['two.json']);
    expect(document.builders).toEqual({
      bookworm: { type: 'docker', repository: 'acme/os', tag: 'bookworm' },
      jammy: { type: 'docker', repository: 'acme/os', tag: 'jammy' },
    });
    expect(lines(report, 'mapped').filter((line) => line.includes('docker-'))).toEqual([
      '20: docker-tag only: it applies to builder bookworm',
      '23: docker-tag repository → repository of builder bookworm',
      '24: docker-tag tag → tag of builder bookworm',
      '32: docker-tag except: it applies to builder jammy',
      '35: docker-tag repository → repository of builder jammy',
      '36: docker-tag tag → tag of builder jammy',
      '44: docker-push only: it applies to no Docker builder',
      '42: docker-push → push: true on no Docker builder',
    ]);
    expect(lines(report, 'dropped')).toEqual(['44: docker-push only: no Docker builder nope in this build']);
  });

  it('reports a JSON syntax error at its line and column', () => {
    write('bad.json', '{\n  "builders": [\n    { "type": "docker", }\n  ]\n}\n');
    expect(() => readJsonTemplate(join(dir, 'bad.json'))).toThrow(/bad\.json:3:\d+: /);
  });

  it('gives a provisioner’s override its own provisioner per builder, the others one of their own', () => {
    write('two.json', {
      builders: [
        { type: 'docker', name: 'plain', image: 'debian:bookworm', commit: true },
        { type: 'docker', name: 'hardened', image: 'debian:bookworm', commit: true },
      ],
      provisioners: [{ type: 'shell', inline: ['echo $LEVEL'], environment_vars: ['LEVEL=1'], override: { hardened: { environment_vars: ['LEVEL=2'] } } }],
    });
    const { document, report } = importJson(['two.json']);
    expect((document.stages as { provisioners: unknown[] }[])[0].provisioners).toEqual([
      { type: 'shell', inline: ['echo $LEVEL'], environment_vars: ['LEVEL=2'], only: ['hardened'] },
      { type: 'shell', inline: ['echo $LEVEL'], environment_vars: ['LEVEL=1'], only: ['plain'] },
    ]);
    expect(lines(report, 'approximated')).toEqual(['25: shell override: one provisioner for each of hardened (only:) with its settings, and one for plain']);
  });
});
