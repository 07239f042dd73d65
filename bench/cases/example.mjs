// Cases 1, 2, 3, 8 and 9: the three-stage example pipeline (pipelines/images) baked by nx-bake in a fresh
// temp workspace, next to Packer building the same three templates chained by hand through its manifest.
//
// One iteration (the first is the warm-up) does, in a fresh workspace A:
//   1  cold `nx run images:bake` (no Nx cache, no image of these fingerprints: each iteration bakes into
//      its own repository, which is part of every fingerprint, and removes what it made) — peak RSS of
//      every task process is sampled meanwhile (case 9)
//   2  `nx run images:bake` again, nothing changed; and `nx run site:build`, a trivial cached target;
//      and (2c, information) the re-bake again with the Nx daemon on
//   3  an edit of apps/site/src/index.html, committed; `nx affected -t bake --base=HEAD~1 --head=HEAD`
// then, in a fresh workspace B, case 8: `nx run-many -t bake -p images tools` (two independent chains);
// its "longer chain alone" is case 1's cold bake of `images` — workspace A has the same two pipelines.
// And Packer's chain (the reference of 1, 2 and 3: Packer has no cache, so re-running it is its re-bake).
// And case 1's floor: the site build and the three stages by hand with the plain tools at their best
// (docker run, ansible-playbook with Mitogen and ansible_connection=docker and the same vars, docker cp and
// docker exec for the app stage, docker commit with the same changes, docker rm).
// Sides rotate their order between iterations so drift on a shared machine does not favour one of them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { imagesOfRepository, imagesWithFingerprints, manifestImageIds, removeContainersLabelled, removeImages } from '../lib/docker.mjs';
import { APT_BINDINGS, dockerStageByHand, imageCmd, inImage } from '../lib/floor.mjs';
import { exampleVars, runExampleChain, packerEnv, writeExampleTemplates } from '../lib/packer.mjs';
import { parseOutcomes, profileBake } from '../lib/profile.mjs';
import { sampleTaskMemory } from '../lib/rss.mjs';
import { logPath, mustRun, nxEnv, say, timed } from '../lib/util.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

/** A second, shorter chain for case 8: an OS layer by Ansible (no downloads) and a small shell layer. */
const TOOLS_FILES = {
  'pipelines/tools/pipeline.yaml': `# yaml-language-server: $schema=../../packages/nx-bake/schema/pipeline.schema.json
# The bench's second, independent chain (case 8): two stages, shorter than pipelines/images.
name: tools
variables:
  base_image: { type: string, default: nx-bake/debian:bookworm }
  repository: { type: string, default: nx-bake/tools }
builders:
  local:
    type: docker
    network: host
    repository: "{{ var.repository }}"
    tag: "tools-{{ stage.name }}"
stages:
  - name: base
    from: { image: "{{ var.base_image }}" }
    provisioners:
      - type: ansible
        playbook: base/playbook.yml
        vars: { admin_user: tools }
  - name: cli
    from: { stage: base }
    provisioners:
      - type: file
        source: cli/motd
        destination: /etc/motd
      - type: shell
        inline:
          - useradd --system --no-create-home --shell /usr/sbin/nologin runner
          - mkdir -p /opt/tools && for n in $(seq 1 200); do echo "tool $n" > /opt/tools/t$n; done
          - echo "tools/cli" > /etc/nx-bake-tools
`,
  'pipelines/tools/base/playbook.yml': `- name: Tools base
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: Admin user
      ansible.builtin.user: { name: "{{ admin_user }}", shell: /bin/bash, groups: sudo, append: true }
    - name: sshd settings
      ansible.builtin.copy:
        dest: /etc/ssh/sshd_config.d/10-tools.conf
        mode: "0644"
        content: "PasswordAuthentication no\\n"
    - name: Packages an image does not need
      ansible.builtin.apt: { name: [procps], state: absent, purge: true }
    - name: Mark the layer
      ansible.builtin.copy: { dest: /etc/nx-bake-tools-base, content: "tools\\n", mode: "0644" }
`,
  'pipelines/tools/cli/motd': 'tools image\n',
};

const COPY = ['pipelines/images', 'apps'];

export const EXAMPLE_CASES = ['1', '2', '3', '8', '9'];

export async function runExampleCases({ workDir, runs, warmup, benchId, cleanup, packerAnsibleEnv, mitogen }) {
  const iterations = warmup + runs;
  const measured = { cold: [], rebake: [], trivial: [], rebakeDaemon: [], appChange: [], both: [], packer: [], packerStages: [], floor: [], floorStages: [], rss: [], profiles: [] };
  const warm = { cold: [], rebake: [], trivial: [], rebakeDaemon: [], appChange: [], both: [], packer: [], floor: [] };
  const problems = [];
  const names = ['ours', 'packer', 'floor'];
  if (!mitogen?.dir) {
    names.pop();
    problems.push(`case 1's floor not measured: ${mitogen?.reason ?? 'no ansible-mitogen'}`);
  }

  for (let i = 0; i < iterations; i++) {
    const isWarmup = i < warmup;
    const tag = isWarmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`;
    const into = isWarmup ? warm : measured;
    const sides = names.slice(i % names.length).concat(names.slice(0, i % names.length));
    for (const side of sides) {
      try {
        if (side === 'ours') await oursIteration({ i, tag, into, measured, isWarmup, workDir, benchId, cleanup, problems });
        else if (side === 'packer') await packerIteration({ i, tag, into, measured, isWarmup, workDir, benchId, cleanup, packerAnsibleEnv, problems });
        else await floorIteration({ i, tag, into, measured, isWarmup, workDir, benchId, cleanup, mitogen, problems });
      } catch (error) {
        // One failed command loses that iteration's remaining measurements of this side, not the bench.
        problems.push(error.message.split('\n')[0]);
        say(`example ${tag}: ${side} failed: ${error.message.split('\n')[0]}`);
      }
    }
  }
  return { measured, warm, problems, summaryMissing: [...summaryMissing] };
}

async function oursIteration({ i, tag, into, measured, isWarmup, workDir, benchId, cleanup, problems }) {
  const log = logPath(workDir, `example-ours-${i}`);
  const repository = `nx-bake-bench/${benchId}-${i}`;
  const env = nxEnv({ BAKE_VAR_repository: repository });
  const made = new Set();
  const fingerprints = new Set();
  const collect = (root) => {
    for (const id of manifestImageIds(root)) made.add(id);
    for (const id of imagesOfRepository(repository)) made.add(id);
    for (const fingerprint of manifestFingerprints(root)) fingerprints.add(fingerprint);
  };
  const release = cleanup.add(`images of ${repository}`, () => {
    const left = removeImages([...made, ...imagesWithFingerprints([...fingerprints]), ...imagesOfRepository(repository)]);
    if (left.length) say(`could not remove images ${left.join(', ')}`);
  });
  const a = createWorkspace(workDir, { name: `example-a-${i}`, copy: COPY, files: TOOLS_FILES });
  const b = createWorkspace(workDir, { name: `example-b-${i}`, copy: COPY, files: TOOLS_FILES });
  const removeWorkspaces = cleanup.add(`workspaces of iteration ${i}`, () => {
    a.remove();
    b.remove();
  });
  try {
    // 1 (and 8's "longer chain alone", and 9): the cold bake, with the task processes' memory sampled.
    say(`example ${tag}: ours, cold bake`);
    let sampler;
    const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const startedAt = Date.now();
    const cold = await timed(a.nxBin, ['run', 'images:bake', '--output-style=static'], {
      cwd: a.root,
      env,
      logFile: log,
      label: 'cold bake',
      keepBytes: 4 * 1024 * 1024,
      onSpawn: (child) => (sampler = sampleTaskMemory(child.pid)),
    });
    const memory = sampler.stop();
    const endedAt = Date.now();
    collect(a.root);
    check(cold, { 'images/os-base': 'built', 'images/app-base': 'built', 'images/app': 'built' }, `cold bake (${tag})`, log, problems);
    into.cold.push(cold.seconds);
    if (!isWarmup) {
      measured.rss.push(memory);
      measured.profiles.push({ run: tag, seconds: round2(cold.seconds), load_average_before: loadBefore, ...profileBake(cold.output, startedAt, endedAt) });
    }

    // 2: nothing changed; and the trivial cached target of the same workspace (which goes first alternates).
    say(`example ${tag}: ours, re-bake with nothing changed`);
    const runRebake = async () => {
      const rebake = await timed(a.nxBin, ['run', 'images:bake', '--output-style=static'], { cwd: a.root, env, logFile: log, label: 're-bake' });
      check(rebake, { 'images/os-base': 'nx-cache', 'images/app-base': 'nx-cache', 'images/app': 'nx-cache' }, `re-bake (${tag})`, log, problems);
      into.rebake.push(rebake.seconds);
    };
    const runTrivial = async () => {
      const trivial = await timed(a.nxBin, ['run', 'site:build', '--output-style=static'], { cwd: a.root, env, logFile: log, label: 'trivial cached target' });
      if (trivial.status !== 0 || !/from the cache|local cache|existing outputs match the cache/i.test(trivial.output)) {
        problems.push(`trivial cached target (${tag}) was not a cache hit (exit ${trivial.status}); log: ${log}`);
      }
      into.trivial.push(trivial.seconds);
    };
    if (i % 2 === 0) {
      await runRebake();
      await runTrivial();
    } else {
      await runTrivial();
      await runRebake();
    }

    // 2c (information): the same re-bake as a developer machine runs it, with the Nx daemon (started and
    // given the graph first, untimed; stopped right after).
    const daemonEnv = nxEnv({ BAKE_VAR_repository: repository, NX_DAEMON: 'true' });
    const stopDaemon = cleanup.add(`nx daemon of ${a.root}`, () => timed(a.nxBin, ['daemon', '--stop'], { cwd: a.root, env: daemonEnv, logFile: log, label: 'daemon stop' }));
    await timed(a.nxBin, ['run', 'images:bake', '--output-style=static'], { cwd: a.root, env: daemonEnv, logFile: log, label: 're-bake, daemon warming up' });
    const withDaemon = await timed(a.nxBin, ['run', 'images:bake', '--output-style=static'], { cwd: a.root, env: daemonEnv, logFile: log, label: 're-bake with the daemon' });
    check(withDaemon, { 'images/os-base': 'nx-cache', 'images/app-base': 'nx-cache', 'images/app': 'nx-cache' }, `re-bake with the daemon (${tag})`, log, problems);
    into.rebakeDaemon.push(withDaemon.seconds);
    await stopDaemon();

    // 3: an app-only change, committed, and `nx affected`.
    say(`example ${tag}: ours, app-only change`);
    const page = join(a.root, 'apps/site/src/index.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace('</body>', `  <!-- bench edit ${benchId}-${i} -->\n  </body>`));
    a.git('commit', '-q', '-am', 'edit the site');
    const affected = await timed(a.nxBin, ['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD', '--output-style=static'], {
      cwd: a.root,
      env,
      logFile: log,
      label: 'app-only change',
      keepBytes: 4 * 1024 * 1024,
    });
    collect(a.root);
    check(affected, { 'images/os-base': 'nx-cache', 'images/app-base': 'nx-cache', 'images/app': 'built' }, `app-only change (${tag})`, log, problems);
    into.appChange.push(affected.seconds);

    // 8: both pipelines together, cold, in workspace B (its own repository: nothing to adopt).
    say(`example ${tag}: ours, two chains together`);
    const repositoryB = `${repository}-b`;
    const releaseB = cleanup.add(`images of ${repositoryB}`, () => removeImages([...manifestImageIds(b.root), ...imagesOfRepository(repositoryB)]));
    const both = await timed(b.nxBin, ['run-many', '-t', 'bake', '-p', 'images', 'tools', '--output-style=static'], {
      cwd: b.root,
      env: nxEnv({ BAKE_VAR_repository: repositoryB }),
      logFile: log,
      label: 'two chains',
      keepBytes: 4 * 1024 * 1024,
    });
    check(
      both,
      { 'images/os-base': 'built', 'images/app-base': 'built', 'images/app': 'built', 'tools/base': 'built', 'tools/cli': 'built' },
      `two chains (${tag})`,
      log,
      problems,
    );
    into.both.push(both.seconds);
    await releaseB();
  } finally {
    collect(a.root);
    await release();
    await removeWorkspaces();
  }
}

async function packerIteration({ i, tag, into, measured, isWarmup, workDir, benchId, cleanup, packerAnsibleEnv, problems }) {
  const log = logPath(workDir, `example-packer-${i}`);
  const repository = `nx-bake-bench/${benchId}-packer-${i}`;
  // Packer reads the same files from a workspace copy of its own (the site is built inside its timed run).
  const ws = createWorkspace(workDir, { name: `example-packer-${i}`, copy: COPY });
  const dir = join(ws.root, 'tmp', 'packer');
  writeExampleTemplates(dir, { ws: ws.root, repository, ansibleEnv: packerAnsibleEnv });
  const made = [];
  const release = cleanup.add(`packer images of ${repository}`, () => {
    removeImages([...made, ...imagesOfRepository(repository)]);
    ws.remove();
  });
  try {
    say(`example ${tag}: packer, chain of three builds`);
    const started = performance.now();
    try {
      await runExampleChain({ dir, ws: ws.root, env: packerEnv(workDir), logFile: log, made });
    } catch (error) {
      problems.push(`packer chain (${tag}) failed: ${error.message.split('\n')[0]} (log: ${log})`);
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    into.packer.push(seconds);
    if (!isWarmup) measured.packerStages.push(packerStageSeconds(readFileSync(log, 'utf8')));
  } finally {
    await release();
  }
}

/**
 * Case 1's floor: what the chain does, by hand with the plain tools at their best settings — the site build,
 * then os-base and app-base (docker run --network=host, ansible-playbook with Mitogen and
 * ansible_connection=docker, the pipeline's vars, docker commit, docker rm), then the app stage (docker cp
 * of the site and boot.sh, docker exec of the shell lines with the same environment, docker commit with
 * the same changes). The last image is checked before the time counts.
 */
async function floorIteration({ i, tag, into, measured, isWarmup, workDir, benchId, cleanup, mitogen, problems }) {
  const log = logPath(workDir, `example-floor-${i}`);
  const ws = createWorkspace(workDir, { name: `example-floor-${i}`, copy: COPY, plugins: [] });
  const dir = join(ws.root, 'tmp', 'floor');
  mkdirSync(dir, { recursive: true });
  const images = join(ws.root, 'pipelines', 'images');
  const webRoot = '/srv/www/site';
  const vars = exampleVars(webRoot);
  const varsFile = (stage) => {
    const file = join(dir, `${stage}-vars.json`);
    writeFileSync(file, JSON.stringify(vars[stage]));
    return file;
  };
  const playbooks = { 'os-base': [{ playbook: join(images, 'os-base', 'playbook.yml'), varsFile: varsFile('os-base') }], 'app-base': [{ playbook: join(images, 'app-base', 'playbook.yml'), varsFile: varsFile('app-base') }] };
  const label = `nx-bake-bench=${benchId}-floor`;
  const baseCmd = imageCmd('nx-bake/debian:bookworm');
  const made = [];
  const release = cleanup.add(`floor images of iteration ${i}`, () => {
    removeContainersLabelled(label);
    removeImages(made);
    ws.remove();
  });
  try {
    say(`example ${tag}: floor, the three stages by hand`);
    const stages = {};
    const started = performance.now();
    let mark = started;
    const lap = (name) => {
      const now = performance.now();
      stages[name] = Math.round(now - mark) / 1000;
      mark = now;
    };
    await mustRun('node', [join(ws.root, 'apps', 'site', 'build.mjs')], { cwd: ws.root, logFile: log, label: 'site build' });
    lap('site build');
    // Both playbooks use apt: python3-apt first, as the apt module would install it (see APT_BINDINGS).
    const common = { baseCmd, label, dir, mitogen, logFile: log, made, before: APT_BINDINGS };
    const osBase = await dockerStageByHand({ ...common, image: 'nx-bake/debian:bookworm', playbooks: playbooks['os-base'], name: 'os-base' });
    lap('os-base');
    const appBase = await dockerStageByHand({ ...common, image: osBase, playbooks: playbooks['app-base'], name: 'app-base' });
    lap('app-base');
    const app = await dockerStageByHand({
      ...common,
      before: undefined,
      image: appBase,
      name: 'app',
      changes: ['CMD ["/usr/local/bin/boot.sh"]', 'EXPOSE 8080', `ENV WEB_ROOT=${webRoot}`],
      then: async (container) => {
        await mustRun('docker', ['cp', `${join(ws.root, 'dist', 'apps', 'site')}/.`, `${container}:${webRoot}`], { logFile: log, label: 'app: docker cp site' });
        await mustRun('docker', ['cp', join(images, 'app', 'boot.sh'), `${container}:/usr/local/bin/boot.sh`], { logFile: log, label: 'app: docker cp boot.sh' });
        const script = [
          'chmod 0755 /usr/local/bin/boot.sh',
          'chown -R site:site "$WEB_ROOT"',
          'test -n "$DEPLOY_TOKEN" && echo "deploy token received"',
          `echo "images/app built from ${appBase}" > /etc/nx-bake-release`,
        ].join(' && ');
        await mustRun('docker', ['exec', '-e', `WEB_ROOT=${webRoot}`, '-e', 'DEPLOY_TOKEN=not-a-real-token', container, '/bin/sh', '-c', script], { logFile: log, label: 'app: docker exec shell' });
      },
    });
    lap('app');
    const seconds = (performance.now() - started) / 1000;
    const check = inImage(app, `cat /etc/nx-bake-release /etc/nx-bake-app-base ${webRoot}/health.txt; test -x /usr/local/bin/boot.sh && echo boot ok; dpkg-query -W -f '\${Status}\n' nginx-light; id -u ops >/dev/null && echo ops ok`);
    if (!/built from/.test(check) || !/web server for/.test(check) || !/^ok$/m.test(check) || !/boot ok/.test(check) || !/install ok installed/.test(check) || !/ops ok/.test(check)) {
      problems.push(`floor chain (${tag}) made a wrong image (${check.replace(/\n/g, ' ')}); not counted; log: ${log}`);
      return;
    }
    into.floor.push(seconds);
    if (!isWarmup) measured.floorStages.push(stages);
  } catch (error) {
    problems.push(`floor chain (${tag}) failed: ${error.message.split('\n')[0]} (log: ${log})`);
  } finally {
    await release();
  }
}

/** Per template, the wall time of `packer build` (from the bench's own log markers). */
function packerStageSeconds(log) {
  const result = {};
  let label;
  for (const block of log.split('\n===== ').slice(1)) {
    const exit = /^exit 0 after ([\d.]+) s/.exec(block);
    if (exit && label) result[label] = Number(exit[1]);
    else label = /^\S+ (packer \S+|site build) \$/.exec(block)?.[1];
  }
  return result;
}

function manifestFingerprints(root) {
  const found = [];
  for (const pipeline of ['images', 'tools']) {
    for (const stage of ['os-base', 'app-base', 'app', 'base', 'cli']) {
      try {
        found.push(JSON.parse(readFileSync(join(root, 'dist/images', pipeline, stage, 'manifest.json'), 'utf8')).fingerprint);
      } catch {
        // not baked
      }
    }
  }
  return found.filter(Boolean);
}

/** Summary blocks missing after a successful bake (a plugin observation, reported with the results). */
const summaryMissing = [];

function check(result, expected, what, log, problems) {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal}); log: ${log}\n${result.output.slice(-3000)}`);
  const { outcomes, summary } = parseOutcomes(result.output, Object.keys(expected));
  if (!summary) summaryMissing.push(what);
  for (const [stage, outcome] of Object.entries(expected)) {
    if (outcomes[stage] !== outcome) problems.push(`${what}: ${stage} was ${outcomes[stage] ?? 'not reported'}, expected ${outcome}; log: ${log}`);
  }
}

const round2 = (value) => Math.round(value * 100) / 100;
