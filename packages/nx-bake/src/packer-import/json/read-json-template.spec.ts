import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonTemplate } from './read-json-template';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'packer-json-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function read(template: unknown) {
  writeFileSync(join(dir, 'template.json'), JSON.stringify(template, null, 2));
  return readJsonTemplate(join(dir, 'template.json'));
}

describe('readJsonTemplate: {{build_name}} and {{build_type}} outside a builder', () => {
  it('are the builder’s name and type where only one builder runs: the template’s only one, or the one `only` names', () => {
    const single = read({
      builders: [{ type: 'docker', name: 'app', image: 'debian:bookworm', commit: true }],
      provisioners: [{ type: 'shell', environment_vars: ['BUILD_NAME={{build_name}}', 'BUILD_TYPE={{build_type}}'], inline: ['true'] }],
      'post-processors': [{ type: 'manifest', custom_data: { build: '{{build_name}}' } }],
    });
    expect(single.builds[0].provisioners[0].fields.environment_vars.value).toEqual(['BUILD_NAME=app', 'BUILD_TYPE=docker']);
    expect(single.builds[0].postProcessors[0][0].fields.custom_data.value).toEqual({ build: 'app' });
    expect(single.notes).toEqual([]);

    const two = read({
      builders: [
        { type: 'docker', name: 'bookworm', image: 'debian:bookworm', commit: true },
        { type: 'docker', name: 'jammy', image: 'ubuntu:22.04', commit: true },
      ],
      provisioners: [
        { type: 'shell', only: ['jammy'], inline: ['echo {{build_name}}'] },
        { type: 'shell', inline: ['echo {{build_name}}'] },
      ],
    });
    // Where two builders run it, each build renders it with its own builder.
    expect(two.builds[0].provisioners.map((block) => block.fields.inline.value)).toEqual([['echo jammy'], ['echo {{ builder.name }}']]);
    expect(two.notes).toEqual([]);
  });
});
