import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { containersWithLabel, removeByLabel } from '../support/docker';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/** One-stage pipelines that fail or are interrupted: each must exit non-zero and leave nothing behind. */
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
      image: nx-bake/debian:bookworm
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
    for (const name of ['fails-shell', 'fails-ansible', 'interrupted']) await removeByLabel(`nx-bake.pipeline=${name}`);
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

  it('SIGINT during provisioning stops the bake, removes the container and writes no manifest', async () => {
    const workspace = make(
      'interrupted',
      `      - type: shell
        inline:
          - echo "provisioning started"
          - sleep 300`,
    );
    const child = workspace.spawnNx(['run', 'interrupted:bake', '--output-style=stream']);
    let output = '';
    const started = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('provisioning started')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
    await Promise.race([started, exited]);
    expect(output).toContain('provisioning started');
    expect(await containersWithLabel('nx-bake.pipeline=interrupted')).toHaveLength(1);
    const interruptedAt = Date.now();
    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    expect(code).not.toBe(0);
    expect(Date.now() - interruptedAt).toBeLessThan(30_000);
    // The bake process may outlive nx by a moment while it cleans up.
    const deadline = Date.now() + 20_000;
    while ((await containersWithLabel('nx-bake.pipeline=interrupted')).length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await expectNothingLeft(workspace, 'interrupted');
  });
});
