/**
 * Stages that behave like machines: a two-stage pipeline on the Docker builder with `systemd: true`, whose
 * Ansible content (a collection and roles vendored in the stage folder, a playbook in a subfolder, so only
 * the provisioner's search paths find them) enables and restarts services through the real systemd; the
 * committed images keep the base's CMD. An interrupt during the boot leaves nothing.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerBuilder } from '../../src/builders/docker';
import type { BuildRequest, BuildState } from '../../src/builders/builder';
import { runSteps } from '../../src/steps/run-steps';
import { BASE_IMAGE } from '../support/base-image';
import { containersWithLabel, docker, removeByLabel, runInImage } from '../support/docker';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

const id = randomUUID().slice(0, 8);
const repository = `nx-bake-e2e/systemd-${id}`;
const pipeline = `machines${id}`;

const files: Record<string, string> = {
  [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
builders:
  local:
    type: docker
    network: host
    systemd: true
    repository: ${repository}
    tag: "{{ stage.name }}"
stages:
  - name: os-base
    from: { image: ${BASE_IMAGE} }
    provisioners:
      - type: ansible
        playbook: os-base/playbooks/base.yml
  - name: app-base
    from: { stage: os-base }
    provisioners:
      - type: ansible
        playbook: app-base/playbooks/web.yml
`,
  // A collection vendored as Ansible lays them out: found through the stage folder's collections/.
  [`pipelines/${pipeline}/os-base/collections/ansible_collections/nxbake/machine/galaxy.yml`]:
    'namespace: nxbake\nname: machine\nversion: 1.0.0\nreadme: README.md\nauthors: [nx-bake tests]\n',
  [`pipelines/${pipeline}/os-base/collections/ansible_collections/nxbake/machine/roles/timer/tasks/main.yml`]: `- name: A oneshot service and its timer, as an OS base role ships them
  ansible.builtin.copy:
    dest: "/etc/systemd/system/{{ item }}"
    content: "{{ lookup('ansible.builtin.template', item + '.j2') }}"
  loop: [nxbake-stamp.service, nxbake-stamp.timer]
  notify: reload systemd
- ansible.builtin.meta: flush_handlers
- name: Enabled and started through systemd
  ansible.builtin.systemd: { name: nxbake-stamp.timer, enabled: true, state: started }
- name: The service ran under systemd
  ansible.builtin.systemd: { name: nxbake-stamp.service, state: started }
`,
  [`pipelines/${pipeline}/os-base/collections/ansible_collections/nxbake/machine/roles/timer/templates/nxbake-stamp.service.j2`]:
    '[Unit]\nDescription=nx-bake stamp\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo stamped-by-systemd > /var/lib/nxbake-stamp"\n',
  [`pipelines/${pipeline}/os-base/collections/ansible_collections/nxbake/machine/roles/timer/templates/nxbake-stamp.timer.j2`]:
    '[Unit]\nDescription=nx-bake stamp timer\n[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n',
  [`pipelines/${pipeline}/os-base/collections/ansible_collections/nxbake/machine/roles/timer/handlers/main.yml`]:
    '- name: reload systemd\n  ansible.builtin.systemd: { daemon_reload: true }\n',
  // A role vendored in the stage folder's roles/.
  [`pipelines/${pipeline}/os-base/roles/journald/tasks/main.yml`]: `- ansible.builtin.file: { path: /etc/systemd/journald.conf.d, state: directory }
- ansible.builtin.copy:
    dest: /etc/systemd/journald.conf.d/nxbake.conf
    content: "[Journal]\\nStorage=volatile\\n"
  notify: restart journald
`,
  [`pipelines/${pipeline}/os-base/roles/journald/handlers/main.yml`]:
    '- name: restart journald\n  ansible.builtin.systemd: { name: systemd-journald, state: restarted }\n',
  [`pipelines/${pipeline}/os-base/playbooks/base.yml`]: `- hosts: all
  roles: [journald, nxbake.machine.timer]
  tasks:
    - ansible.builtin.command: systemctl is-system-running
      register: system
      changed_when: false
      failed_when: system.stdout not in ['running', 'degraded']
`,
  // The stage above: a web server installed, enabled and restarted through systemd, on loopback only.
  [`pipelines/${pipeline}/app-base/roles/web/tasks/main.yml`]: `- name: nginx, not started by its package (port 80 on the host network is not ours)
  ansible.builtin.copy: { dest: /usr/sbin/policy-rc.d, content: "#!/bin/sh\\nexit 101\\n", mode: "0755" }
- ansible.builtin.apt: { name: nginx-light, state: present }
- ansible.builtin.file: { path: /usr/sbin/policy-rc.d, state: absent }
- ansible.builtin.copy:
    dest: /etc/nginx/sites-enabled/default
    content: "server { listen 127.0.0.1:{{ web_port }}; location / { return 200 'served under systemd\\\\n'; } }\\n"
  notify: restart nginx
- ansible.builtin.systemd: { name: nginx, enabled: true, state: started }
- ansible.builtin.meta: flush_handlers
- ansible.builtin.uri: { url: "http://127.0.0.1:{{ web_port }}/", return_content: true }
  register: page
  failed_when: "'served under systemd' not in page.content"
`,
  [`pipelines/${pipeline}/app-base/roles/web/handlers/main.yml`]: '- name: restart nginx\n  ansible.builtin.systemd: { name: nginx, state: restarted }\n',
  [`pipelines/${pipeline}/app-base/playbooks/web.yml`]: `- hosts: all
  vars: { web_port: ${20000 + Math.floor(Math.random() * 20000)} }
  roles: [web]
`,
};

describe('systemd: true stages (Docker builder)', () => {
  let workspace: TestWorkspace;
  let output = '';
  let status: number | null;
  let seconds = 0;

  beforeAll(async () => {
    workspace = createWorkspace({ name: 'systemd-stages', files });
    const started = Date.now();
    const result = await workspace.nxAsync(['run', `${pipeline}:bake`, '--output-style=static'], {});
    seconds = (Date.now() - started) / 1000;
    output = result.output;
    status = result.status;
  });

  afterAll(async () => {
    await removeByLabel(`nx-bake.pipeline=${pipeline}`);
    workspace?.remove();
  });

  const image = (stage: string) => `${repository}:${stage}`;

  it('bakes both stages, each provisioned once systemd was up', () => {
    if (status !== 0) throw new Error(`bake failed:\n${output.slice(-8000)}`);
    expect(output).toMatch(/systemd is (running|degraded) after \d+\.\d+s/);
    for (const stage of ['os-base', 'app-base']) {
      const manifest = JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipeline, stage, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ stage, outcome: 'built' });
    }
    console.log(`two systemd stages baked in ${seconds.toFixed(1)}s`);
  });

  it("keeps the base image's CMD and entrypoint, and no build-time settings", async () => {
    const base = await docker.getImage(BASE_IMAGE).inspect();
    for (const stage of ['os-base', 'app-base']) {
      const { Config } = await docker.getImage(image(stage)).inspect();
      expect(Config.Cmd).toEqual(base.Config.Cmd);
      // The commit sends an empty entrypoint for an absent one, so the keep-alive is not filled in.
      expect(Config.Entrypoint ?? []).toEqual(base.Config.Entrypoint ?? []);
      expect(Config.Env ?? []).not.toContain('container=docker');
      // StopSignal is missing from dockerode's types.
      const stopSignal = (config: object) => (config as { StopSignal?: string }).StopSignal ?? '';
      expect(stopSignal(Config)).toBe(stopSignal(base.Config));
    }
  });

  it('committed what the vendored collection and role did through systemd', async () => {
    const out = await runInImage(image('os-base'), [
      '/bin/sh',
      '-c',
      'cat /var/lib/nxbake-stamp; readlink /etc/systemd/system/timers.target.wants/nxbake-stamp.timer; cat /etc/systemd/journald.conf.d/nxbake.conf',
    ]);
    expect(out).toBe('stamped-by-systemd\n/etc/systemd/system/nxbake-stamp.timer\n[Journal]\nStorage=volatile\n');
  });

  it('the stage above has nginx installed and enabled under systemd', async () => {
    const out = await runInImage(image('app-base'), ['/bin/sh', '-c', "dpkg-query -W -f '${Status}\\n' nginx-light; systemctl is-enabled nginx; test -e /usr/sbin/policy-rc.d || echo no-policy"]);
    expect(out).toBe('install ok installed\nenabled\nno-policy\n');
  });

  it('an interrupt while systemd boots removes the container', async () => {
    const runId = `systemd-interrupt-${id}`;
    const controller = new AbortController();
    const request: BuildRequest = {
      pipeline,
      stage: 'interrupted',
      builderName: 'local',
      config: { type: 'docker', network: 'host', systemd: true },
      baseImage: BASE_IMAGE,
      labels: { 'nx-bake.pipeline': pipeline, 'nx-bake.stage': 'interrupted', 'nx-bake.fingerprint': 'fp', 'nx-bake.base': BASE_IMAGE, 'nx-bake.run': runId },
      runId,
      onError: 'cleanup',
      provision: async () => undefined,
    };
    const steps = new DockerBuilder().steps(request);
    const wait = steps.findIndex((step) => step.name === 'wait-for-systemd');
    const original = steps[wait].run.bind(steps[wait]);
    // Abort once the wait has started: the container exists and systemd is booting.
    steps[wait] = { ...steps[wait], run: (state, context) => (setTimeout(() => controller.abort(), 200), original(state, context)) };
    const log = { info: () => undefined, warn: () => undefined, output: () => undefined, flush: () => undefined };
    const state: BuildState = {};
    await expect(runSteps(steps, state, { signal: controller.signal, log })).rejects.toThrow();
    expect(state.containerId).toEqual(expect.any(String));
    expect(await containersWithLabel(`nx-bake.run=${runId}`)).toEqual([]);
  });
});
