// Cases 4, 5 and 6: the SSH communicator (packages/nx-bake/src/communicators/ssh) against real OpenSSH
// sshd processes on loopback addresses, next to Packer (null builder, same sshd) and OpenSSH's own tools.
//   4  a 2,000-file ~50 MB tree, connection set-up included: ours `uploadDirectory` vs Packer's `file`
//      provisioner (4a), and vs `tar -c | ssh host tar -x` (4b). sshd on this machine.
//   5  one 500 MB file: ours `upload` (SFTP) vs `scp` (OpenSSH 9: SFTP protocol too). sshd on this machine.
//   6  the app-base playbook: ours (nx-bake's ansible provisioner itself, runProvisioner with the SSH
//      communicator, so whatever strategy it picks — Mitogen when usable — applies) vs Packer's ansible
//      provisioner; floor: plain ansible-playbook with Mitogen over ssh. sshd inside a fresh container of the
//      base image per run (the playbook installs nginx, adds users and writes /etc: never on this machine),
//      with host networking on 127.0.0.1.
// These run only when the communicator exists and its integration test passes (see sshGate).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { APT_BINDINGS, plainAnsibleEnv, writeInventory } from '../lib/floor.mjs';
import { nullTemplate, PACKER_ANSIBLE_COMPAT, PACKER_SSH_RSA_ARGS, packerEnv } from '../lib/packer.mjs';
import { makeClientKey, startContainerSshd, startHostSshd } from '../lib/sshd.mjs';
import { benchDir, logPath, repoRoot, say, timed } from '../lib/util.mjs';

export const SSH_CASES = ['4', '5', '6'];

const SSH_SRC = 'packages/nx-bake/src/communicators/ssh';
const SSH_TEST = 'packages/nx-bake/test/integration/ssh-communicator.test.ts';
const GATE_CACHE = join(benchDir, '.cache', 'ssh-gate.json');

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Whether cases 4–6 may run: the communicator's index.ts exists, the plugin snapshot has it built, and
 * its integration test passes. A pass is remembered (bench/.cache, not committed) for the exact content
 * of the communicator, the test and its sshd helper, so the 70-second test runs once per change.
 * BENCH_SSH=force runs the cases regardless (the report says so); BENCH_SSH=off skips them.
 */
export async function sshGate({ pluginDir, workDir }) {
  const mode = process.env.BENCH_SSH ?? 'auto';
  if (mode === 'off') return { run: false, reason: 'skipped (BENCH_SSH=off)' };
  if (!existsSync(join(repoRoot, SSH_SRC, 'index.ts'))) return { run: false, reason: `not run: ${SSH_SRC}/index.ts does not exist yet` };
  if (!existsSync(join(pluginDir, 'dist', 'communicators', 'ssh', 'index.js'))) return { run: false, reason: 'not run: the SSH communicator is not in packages/nx-bake/dist (npm run build)' };
  if (mode === 'force') return { run: true, forced: true, reason: 'BENCH_SSH=force: run without checking the integration test' };
  const hash = createHash('sha256');
  for (const file of [...filesUnder(join(repoRoot, SSH_SRC)).sort(), join(repoRoot, SSH_TEST), join(repoRoot, 'packages/nx-bake/test/support/sshd.ts'), join(repoRoot, 'packages/nx-bake/test/support/sshd-config.js')]) {
    hash.update(file).update(existsSync(file) ? readFileSync(file) : '');
  }
  const key = hash.digest('hex');
  const cache = existsSync(GATE_CACHE) ? JSON.parse(readFileSync(GATE_CACHE, 'utf8')) : {};
  if (cache[key]?.passed) return { run: true, reason: `integration test passed at ${cache[key].at} for this code` };
  if (!existsSync(join(repoRoot, SSH_TEST))) return { run: false, reason: `not run: ${SSH_TEST} does not exist yet` };
  say(`ssh: running ${SSH_TEST} first (about a minute; remembered for this code)`);
  const test = await timed(join(repoRoot, 'node_modules', '.bin', 'jest'), [SSH_TEST], { cwd: repoRoot, logFile: logPath(workDir, 'ssh-gate'), timeoutMs: 15 * 60_000 });
  const summary = /Tests:\s+(.*)/.exec(test.output)?.[1]?.trim() ?? `exit ${test.status}`;
  if (test.status !== 0) return { run: false, reason: `not run: the SSH communicator's integration test fails (${summary})` };
  mkdirSync(join(benchDir, '.cache'), { recursive: true });
  writeFileSync(GATE_CACHE, JSON.stringify({ [key]: { passed: true, at: new Date().toISOString(), summary } }, null, 2));
  return { run: true, reason: `integration test passed (${summary})` };
}

/** 2,000 files of incompressible bytes, ~50 MB, in 40 folders two levels deep; sizes spread 1–49 KB. */
function makeTree(root) {
  let bytes = 0;
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const dir = join(root, `d${String(i % 10).padStart(2, '0')}`, `e${Math.floor(i / 10) % 4}`);
    mkdirSync(dir, { recursive: true });
    const size = 1024 + (next() % (48 * 1024));
    writeFileSync(join(dir, `f${String(i).padStart(4, '0')}.bin`), randomBytes(size));
    bytes += size;
  }
  return bytes;
}

function makeBigFile(path, megabytes) {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1024 * 1024);
  for (let i = 0; i < megabytes; i++) {
    chunk.writeUInt32LE(i, 0);
    writeSync(fd, chunk);
  }
  closeSync(fd);
}

function treeStats(root) {
  let files = 0;
  let bytes = 0;
  for (const file of filesUnder(root)) {
    files++;
    bytes += statSync(file).size;
  }
  return { files, bytes };
}

/**
 * A run longer than its case's cap is stopped and counted as "at least the cap"; that side then sits out
 * the rest of the case, so one pathological side cannot blow the bench's time budget.
 */
const CAP_S = { tree: 120, file: 120, ansible: 300 };

const SSH_OPTIONS = (keyFile) => ['-i', keyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'LogLevel=ERROR'];

export async function runSshCases({ workDir, runs, warmup, benchId, cleanup, pluginDir, selected, packerAnsibleEnv, mitogen }) {
  const dir = join(workDir, 'ssh');
  mkdirSync(dir, { recursive: true });
  const { keyFile, publicKey } = makeClientKey(join(dir, 'client'));
  const oursScript = join(benchDir, 'lib', 'ssh-ours.mjs');
  const result = { tree: null, bigFile: null, sides: {}, censored: {}, oursPhases: {}, ansibleTasks: {}, problems: [] };
  const push = (name, seconds) => (result.sides[name] ??= []).push(seconds);
  const stopped = new Set();
  /** Runs one side under its case's cap; false when it had to be stopped (recorded, and not run again). */
  const capped = async (kind, name, isMeasured, run) => {
    const key = `${kind} ${name}`;
    if (stopped.has(key)) return undefined;
    const outcome = await run(CAP_S[kind] * 1000);
    if (outcome.seconds >= CAP_S[kind] || (outcome.status === null && outcome.signal)) {
      stopped.add(key);
      result.censored[key] = CAP_S[kind];
      result.problems.push(`${key}: stopped at the ${CAP_S[kind]} s cap (${isMeasured ? 'measured run' : 'warm-up'}); counted as >= ${CAP_S[kind]} s and not run again`);
      if (isMeasured || !(result.sides[key]?.length)) push(key, CAP_S[kind]);
      return undefined;
    }
    return outcome;
  };
  const phases = (name, output) => {
    const line = output.trim().split('\n').at(-1);
    try {
      (result.oursPhases[name] ??= []).push(JSON.parse(line).phasesMs);
    } catch {
      // no phases line: the run failed
    }
  };
  const ours = (spec, label, log, timeoutMs) => timed(process.execPath, [oursScript, pluginDir, JSON.stringify({ keyFile, tempDir: dir, ...spec })], { logFile: log, label, timeoutMs });
  const env = packerEnv(workDir);

  if (selected.has('4') || selected.has('5')) {
    const sshd = await startHostSshd(join(dir, 'host-sshd'), publicKey);
    const stopSshd = cleanup.add('host sshd', () => sshd.stop());
    const target = { host: sshd.host, port: sshd.port, keyFile };
    const dest = join(dir, 'dest');
    try {
      if (selected.has('4')) {
        const tree = join(dir, 'tree');
        say('ssh: making the 2,000-file tree');
        const bytes = makeTree(tree);
        result.tree = { files: 2000, bytes };
        const log = logPath(workDir, 'ssh-tree');
        const packerFile = nullTemplate(join(dir, 'packer-file.json'), target, [{ type: 'file', source: `${tree}/`, destination: join(dest, 'packer') }]);
        const sides = {
          ours: (timeoutMs) => ours({ host: sshd.host, port: sshd.port, op: 'uploadDirectory', local: tree, remote: join(dest, 'ours') }, 'ours uploadDirectory', log, timeoutMs),
          packer: (timeoutMs) => timed('packer', ['build', '-color=false', packerFile], { env, logFile: log, label: 'packer file', timeoutMs }),
          'tar|ssh': (timeoutMs) =>
            timed(
              'sh',
              ['-c', `tar -C '${tree}' -cf - . | ssh ${SSH_OPTIONS(keyFile).join(' ')} -p ${sshd.port} root@${sshd.host} "mkdir -p '${join(dest, 'tar')}' && tar -xf - -C '${join(dest, 'tar')}'"`],
              { logFile: log, label: 'tar | ssh tar', timeoutMs },
            ),
        };
        const where = { ours: 'ours', packer: 'packer', 'tar|ssh': 'tar' };
        for (let i = 0; i < warmup + runs; i++) {
          say(`ssh tree ${i < warmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`}`);
          const names = Object.keys(sides);
          const order = names.slice(i % names.length).concat(names.slice(0, i % names.length));
          for (const name of order) {
            rmSync(dest, { recursive: true, force: true });
            if (name === 'packer') mkdirSync(join(dest, 'packer'), { recursive: true });
            const run = await capped('tree', name, i >= warmup, sides[name]);
            if (!run) continue;
            const landed = existsSync(join(dest, where[name])) ? treeStats(join(dest, where[name])) : { files: 0, bytes: 0 };
            if (run.status !== 0 || landed.files !== 2000 || landed.bytes !== bytes) {
              result.problems.push(`tree upload by ${name} failed or incomplete (exit ${run.status}, ${landed.files} files, ${landed.bytes} bytes); log: ${log}`);
              continue;
            }
            if (i >= warmup) {
              push(`tree ${name}`, run.seconds);
              if (name === 'ours') phases('tree', run.output);
            }
          }
        }
        rmSync(dest, { recursive: true, force: true });
        rmSync(tree, { recursive: true, force: true });
      }

      if (selected.has('5')) {
        const big = join(dir, 'big.bin');
        say('ssh: making the 500 MB file');
        makeBigFile(big, 500);
        result.bigFile = { bytes: 500 * 1024 * 1024 };
        const log = logPath(workDir, 'ssh-file');
        const sides = {
          ours: (timeoutMs) => ours({ host: sshd.host, port: sshd.port, op: 'upload', local: big, remote: join(dest, 'ours.bin') }, 'ours upload', log, timeoutMs),
          scp: (timeoutMs) => timed('scp', [...SSH_OPTIONS(keyFile), '-P', String(sshd.port), big, `root@${sshd.host}:${join(dest, 'scp.bin')}`], { logFile: log, label: 'scp', timeoutMs }),
        };
        for (let i = 0; i < warmup + runs; i++) {
          say(`ssh 500 MB ${i < warmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`}`);
          const order = i % 2 === 0 ? ['ours', 'scp'] : ['scp', 'ours'];
          for (const name of order) {
            rmSync(dest, { recursive: true, force: true });
            mkdirSync(dest, { recursive: true });
            const run = await capped('file', name, i >= warmup, sides[name]);
            if (!run) continue;
            const file = join(dest, `${name}.bin`);
            const size = existsSync(file) ? statSync(file).size : 0;
            if (run.status !== 0 || size !== result.bigFile.bytes) {
              result.problems.push(`500 MB upload by ${name} failed or incomplete (exit ${run.status}, ${size} bytes); log: ${log}`);
              continue;
            }
            if (i >= warmup) {
              push(`file ${name}`, run.seconds);
              if (name === 'ours') phases('file', run.output);
            }
          }
        }
        rmSync(dest, { recursive: true, force: true });
        rmSync(big, { force: true });
      }
    } finally {
      await stopSshd();
    }
  }

  if (selected.has('6')) {
    const log = logPath(workDir, 'ssh-ansible');
    const pipelineDir = join(repoRoot, 'pipelines', 'images');
    const vars = { web_root: '/srv/www/site', app_user: 'site', motd: 'Welcome to {{ ansible_hostname }}' };
    const varsFile = join(dir, 'app-base-vars.json');
    writeFileSync(varsFile, JSON.stringify(vars, null, 2));
    const label = `nx-bake-bench=${benchId}`;
    const removeContainers = cleanup.add('ssh containers', async () => {
      const { removeContainersLabelled } = await import('../lib/docker.mjs');
      removeContainersLabelled(label);
    });
    const sides = {
      ours: (sshd, timeoutMs) => ours({ host: sshd.host, port: sshd.port, op: 'ansible', playbook: 'app-base/playbook.yml', pipelineDir, vars }, 'ours ansible', log, timeoutMs),
      packer: (sshd, timeoutMs) => {
        const template = nullTemplate(join(dir, `packer-ansible-${sshd.port}.json`), { host: sshd.host, port: sshd.port, keyFile }, [
          {
            type: 'ansible',
            playbook_file: join(pipelineDir, 'app-base', 'playbook.yml'),
            ...PACKER_ANSIBLE_COMPAT,
            extra_arguments: ['--extra-vars', `@${varsFile}`, ...PACKER_SSH_RSA_ARGS],
            ansible_env_vars: ['ANSIBLE_NOCOLOR=1', ...packerAnsibleEnv],
          },
        ]);
        return timed('packer', ['build', '-color=false', '-timestamp-ui', template], { env, logFile: log, label: 'packer ansible', timeoutMs });
      },
      // The floor: ansible-playbook itself at its best over ssh — Mitogen's strategy (one ssh connection,
      // one Python kept running on the instance), pipelining, the same vars and key. Mitogen cannot run the
      // apt module's respawn, so python3-apt goes first, over ssh, as the module itself would install it.
      plain: async (sshd, timeoutMs) => {
        const started = performance.now();
        const apt = await timed('ssh', [...SSH_OPTIONS(keyFile), '-p', String(sshd.port), `root@${sshd.host}`, APT_BINDINGS], { logFile: log, label: 'plain: ssh, python3-apt first', timeoutMs });
        if (apt.status !== 0) return apt;
        const inventory = writeInventory(join(dir, `plain-inventory-${sshd.port}`), {
          ansible_host: sshd.host,
          ansible_port: sshd.port,
          ansible_user: 'root',
          ansible_ssh_private_key_file: keyFile,
          ansible_python_interpreter: '/usr/bin/python3',
        });
        const playbook = await timed('ansible-playbook', ['-i', inventory, '--extra-vars', `@${varsFile}`, join(pipelineDir, 'app-base', 'playbook.yml')], {
          env: plainAnsibleEnv(mitogen),
          logFile: log,
          label: 'plain ansible-playbook (mitogen, ssh)',
          timeoutMs,
        });
        return { ...playbook, seconds: (performance.now() - started) / 1000 };
      },
    };
    if (!mitogen?.dir) {
      delete sides.plain;
      result.problems.push(`case 6's floor not measured: ${mitogen?.reason ?? 'no ansible-mitogen'}`);
    }
    const names = Object.keys(sides);
    try {
      for (let i = 0; i < warmup + runs; i++) {
        say(`ssh playbook ${i < warmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`}`);
        const order = names.slice(i % names.length).concat(names.slice(0, i % names.length));
        for (const name of order) {
          if (stopped.has(`ansible ${name}`)) continue;
          const sshd = await startContainerSshd(join(dir, `container-sshd-${i}-${name}`), publicKey, { image: 'nx-bake/debian:bookworm', label });
          try {
            const run = await capped('ansible', name, i >= warmup, (timeoutMs) => sides[name](sshd, timeoutMs));
            if (!run) continue;
            const mark = sshd.exec('cat /etc/nx-bake-app-base; dpkg-query -W -f "\\${Status}" nginx-light');
            if (run.status !== 0 || !mark.includes('web server for /srv/www/site') || !mark.includes('install ok installed')) {
              result.problems.push(`playbook by ${name} failed or incomplete (exit ${run.status}: ${mark.replace(/\n/g, ' ')}); log: ${log}`);
              continue;
            }
            if (i >= warmup) {
              push(`ansible ${name}`, run.seconds);
              if (name === 'ours') phases('ansible', run.output);
              const tasks = playbookSeconds(run.output);
              if (tasks !== undefined) (result.ansibleTasks[name] ??= []).push({ total_s: round2(run.seconds), tasks_s: tasks, outside_tasks_s: round2(run.seconds - tasks) });
            }
          } finally {
            await sshd.stop();
          }
        }
      }
    } finally {
      await removeContainers();
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const round2 = (value) => Math.round(value * 100) / 100;

/**
 * Seconds from the playbook's first `TASK [` line to its `PLAY RECAP`, from the timestamps both sides print
 * (ours: ISO with ms, from ssh-ours.mjs; Packer's -timestamp-ui: whole seconds). The rest of a run is the
 * tool's own overhead (start-up, connection, Packer's SSH proxy adapter, clean-up).
 */
function playbookSeconds(output) {
  const stamp = (pattern) => {
    const line = output.split('\n').find((text) => pattern.test(text));
    const iso = line && /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/.exec(line)?.[1];
    return iso ? Date.parse(iso) : undefined;
  };
  const first = stamp(/TASK \[/);
  const recap = stamp(/PLAY RECAP/);
  return first !== undefined && recap !== undefined ? round2((recap - first) / 1000) : undefined;
}
