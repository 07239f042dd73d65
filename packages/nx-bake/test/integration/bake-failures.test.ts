import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { containersWithLabel, removeByLabel } from '../support/docker';
import { createWorkspace, type TestWorkspace } from '../support/workspace';
import { BASE_IMAGE } from '../support/base-image';

/** One-stage pipelines that fail: each must exit non-zero and leave nothing behind (interrupts: test/reliability/interrupts.test.ts). */
function pipeline(name: string, provisioners: string): string {
  return `name: ${name}
builders:
  local:
    type: docker
    network: host
    repository: nx-bake-e2e/${name}
stages:
  - name: only
    from:
      image: ${BASE_IMAGE}
    provisioners:
${provisioners}
`;
}

async function expectNothingLeft(workspace: TestWorkspace, name: string) {
  expect(await containersWithLabel(`nx-bake.pipeline=${name}`)).toEqual([]);
  expect(existsSync(join(workspace.root, 'dist/images', name, 'only', 'manifest.json'))).toBe(false);
}

describe('failed and interrupted bakes', () => {
  const workspaces: TestWorkspace[] = [];
  const make = (name: string, provisioners: string, files: Record<string, string> = {}) => {
    const workspace = createWorkspace({
      name,
      files: { [`pipelines/${name}/pipeline.yaml`]: pipeline(name, provisioners), [`pipelines/${name}/only/.gitkeep`]: '', ...files },
    });
    workspaces.push(workspace);
    return workspace;
  };

  afterAll(async () => {
    for (const name of ['fails-shell', 'fails-ansible']) await removeByLabel(`nx-bake.pipeline=${name}`);
    workspaces.forEach((workspace) => workspace.remove());
  });

  it('a failing shell step exits non-zero with the command tail, and leaves no container or manifest', async () => {
    const workspace = make(
      'fails-shell',
      `      - type: shell
        inline:
          - echo "about to fail"
          - exit 3`,
    );
    const result = workspace.nx(['run', 'fails-shell:bake']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/exit(ed)? (with )?(code|status)? ?3/i);
    expect(result.output).toContain('about to fail');
    expect(result.output).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    await expectNothingLeft(workspace, 'fails-shell');
  });

  it('a failing ansible task exits non-zero and leaves no container, manifest or vars file', async () => {
    const workspace = make(
      'fails-ansible',
      `      - type: ansible
        playbook: only/playbook.yml
        vars:
          reason: "{{ stage.name }} must fail"`,
      {
        'pipelines/fails-ansible/only/playbook.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: This task fails
      ansible.builtin.command: /bin/false
`,
      },
    );
    const result = workspace.nx(['run', 'fails-ansible:bake']);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('This task fails');
    expect(result.output).toMatch(/failed=1/);
    await expectNothingLeft(workspace, 'fails-ansible');
  });
});
