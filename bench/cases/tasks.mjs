// Case 11 (issue #14): a playbook of many small tasks on the docker builder, where Ansible's cost per task
// (not the work the tasks do) decides. A one-stage pipeline whose only provisioner is a 40-task playbook
// (file, copy, lineinfile, command × 10; no network, no facts):
//   ours    cold `nx run tasks:bake` in a fresh temp workspace (as case 1)
//   packer  Packer's docker builder + ansible provisioner with the same playbook (SSH proxy adapter)
//   floor   the plain tools at their best: docker run (host network), ansible-playbook with Mitogen's
//           strategy and ansible_connection=docker, docker commit, docker rm
// Each side's image is checked (every file of the playbook there) before its time counts; a side that
// made a wrong image is listed under problems instead. Sides rotate their order from run to run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { imagesOfRepository, manifestImageIds, removeContainersLabelled, removeImages } from '../lib/docker.mjs';
import { dockerStageByHand, imageCmd, inImage } from '../lib/floor.mjs';
import { packerEnv, writeDockerAnsibleTemplate } from '../lib/packer.mjs';
import { parseOutcomes } from '../lib/profile.mjs';
import { logPath, nxEnv, say, timed } from '../lib/util.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

export const TASKS_CASES = ['11'];

const BASE_IMAGE = 'nx-bake/debian:bookworm';
const ROUNDS = 10;

/** 40 small tasks, each its own task (no loops): per round a folder, a file in it, a config line, a command. */
export function smallTasksPlaybook() {
  const tasks = [];
  for (let n = 1; n <= ROUNDS; n++) {
    tasks.push(
      `    - name: Folder ${n}\n      ansible.builtin.file: { path: /opt/bench-tasks/d${n}, state: directory, mode: "0755" }`,
      `    - name: File ${n}\n      ansible.builtin.copy: { dest: /opt/bench-tasks/d${n}/copied, content: "round ${n}\\n", mode: "0644" }`,
      `    - name: Setting ${n}\n      ansible.builtin.lineinfile: { path: /etc/bench-tasks.conf, line: "key${n}=value${n}", create: true, mode: "0644" }`,
      `    - name: Command ${n}\n      ansible.builtin.command: { argv: [cp, /opt/bench-tasks/d${n}/copied, /opt/bench-tasks/d${n}/ran] }`,
    );
  }
  return `# The bench's many-small-task playbook (case 11): ${tasks.length} tasks, no network, no facts.
- name: Many small tasks
  hosts: all
  gather_facts: false
  tasks:
${tasks.join('\n')}
`;
}

const PIPELINE = `# yaml-language-server: $schema=../../packages/nx-bake/schema/pipeline.schema.json
# The bench's many-small-task pipeline (case 11): one docker stage, one ansible provisioner.
name: tasks
variables:
  base_image: { type: string, default: ${BASE_IMAGE} }
  repository: { type: string, default: nx-bake/tasks }
builders:
  local:
    type: docker
    network: host
    repository: "{{ var.repository }}"
    tag: "{{ stage.name }}"
stages:
  - name: many
    from: { image: "{{ var.base_image }}" }
    provisioners:
      - type: ansible
        playbook: many/playbook.yml
`;

/** What every side's image must hold: each round's folder, file, command output and config line. */
const CHECK = `n=0; for i in $(seq 1 ${ROUNDS}); do [ "$(cat /opt/bench-tasks/d$i/copied)" = "round $i" ] && cmp -s /opt/bench-tasks/d$i/copied /opt/bench-tasks/d$i/ran && grep -qx "key$i=value$i" /etc/bench-tasks.conf && n=$((n+1)); done; echo "rounds ok: $n"`;
const CHECK_OK = `rounds ok: ${ROUNDS}`;

export async function runTasksCase({ workDir, runs, warmup, benchId, cleanup, packerAnsibleEnv, mitogen }) {
  const measured = { ours: [], packer: [], floor: [] };
  const warm = { ours: [], packer: [], floor: [] };
  const problems = [];
  const dir = join(workDir, 'tasks');
  mkdirSync(dir, { recursive: true });
  const playbook = join(dir, 'playbook.yml');
  writeFileSync(playbook, smallTasksPlaybook());
  const label = `nx-bake-bench=${benchId}-tasks`;
  const baseCmd = imageCmd(BASE_IMAGE);
  const env = packerEnv(workDir);

  const sides = {
    async ours(i, log, made) {
      const repository = `nx-bake-bench/${benchId}-tasks-${i}`;
      const ws = createWorkspace(workDir, { name: `tasks-${i}`, files: { 'pipelines/tasks/pipeline.yaml': PIPELINE, 'pipelines/tasks/many/playbook.yml': smallTasksPlaybook() } });
      try {
        const run = await timed(ws.nxBin, ['run', 'tasks:bake', '--output-style=static'], { cwd: ws.root, env: nxEnv({ BAKE_VAR_repository: repository }), logFile: log, label: 'ours: cold bake' });
        const ids = [...manifestImageIds(ws.root), ...imagesOfRepository(repository)];
        made.push(...ids);
        if (run.status !== 0) return { error: `exit ${run.status ?? run.signal}` };
        const outcome = parseOutcomes(run.output, ['tasks/many']).outcomes['tasks/many'];
        if (outcome !== 'built') return { error: `tasks/many was ${outcome ?? 'not reported'}, expected built` };
        return { seconds: run.seconds, image: manifestImageIds(ws.root)[0] };
      } finally {
        ws.remove();
      }
    },
    async packer(i, log, made) {
      const repository = `nx-bake-bench/${benchId}-tasks-packer-${i}`;
      const manifest = join(dir, `packer-${i}-manifest.json`);
      const template = writeDockerAnsibleTemplate(join(dir, `packer-${i}.json`), { image: BASE_IMAGE, playbook, repository, tag: 'many', manifest, ansibleEnv: packerAnsibleEnv });
      const run = await timed('packer', ['build', '-color=false', '-timestamp-ui', template], { cwd: dir, env, logFile: log, label: 'packer build' });
      made.push(...imagesOfRepository(repository));
      if (run.status !== 0) return { error: `exit ${run.status ?? run.signal}` };
      return { seconds: run.seconds, image: imagesOfRepository(repository)[0] };
    },
    async floor(i, log, made) {
      const started = performance.now();
      const image = await dockerStageByHand({ image: BASE_IMAGE, playbooks: [{ playbook }], baseCmd, label, dir, mitogen, logFile: log, name: `floor ${i}`, made });
      return { seconds: (performance.now() - started) / 1000, image };
    },
  };
  if (!mitogen.dir) {
    delete sides.floor;
    problems.push(`case 11's floor not measured: ${mitogen.reason}`);
  }

  const release = cleanup.add('case 11 containers', () => removeContainersLabelled(label));
  try {
    const names = Object.keys(sides);
    for (let i = 0; i < warmup + runs; i++) {
      const isWarmup = i < warmup;
      const tag = isWarmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`;
      const order = names.slice(i % names.length).concat(names.slice(0, i % names.length));
      for (const name of order) {
        const log = logPath(workDir, `tasks-${name}-${i}`);
        const made = [];
        const releaseImages = cleanup.add(`case 11 images (${name} ${i})`, () => removeImages(made));
        say(`tasks ${tag}: ${name}`);
        try {
          const result = await sides[name](i, log, made).catch((error) => ({ error: error.message.split('\n')[0] }));
          if (result.error) {
            problems.push(`case 11 ${name} (${tag}) failed: ${result.error}; log: ${log}`);
            continue;
          }
          const check = result.image ? inImage(result.image, CHECK) : 'no image';
          if (check !== CHECK_OK) {
            problems.push(`case 11 ${name} (${tag}): its image is wrong (${check}); not counted; log: ${log}`);
            continue;
          }
          (isWarmup ? warm : measured)[name].push(result.seconds);
        } finally {
          await releaseImages();
        }
      }
    }
  } finally {
    await release();
  }
  return { measured, warm, problems, tasks: ROUNDS * 4 };
}
