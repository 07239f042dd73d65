#!/usr/bin/env node
// `npm run bench`: nx-bake side by side with Packer (and OpenSSH, and plain Nx) on this machine, both sides
// in the same run, with the same provisioning work. Prints a table of medians and writes
// bench/results/latest.json. Benchmarks are not tests: nothing here fails on a duration.
//
//   BENCH_RUNS=3        measured runs per case (after BENCH_WARMUP=1 warm-up run); or --runs / --warmup
//   BENCH_CASES=1,2,7   only these cases (default: all; 1, 2, 3, 8 and 9 are measured together); or --cases
//   case 11 (issue #14): a 40-task playbook on the docker builder; its floor uses Debian's ansible-mitogen
//   case 12 (issue #16, information): a three-stage chain as AMIs on the fake EC2 vs snapshots on the fake DigitalOcean
//   case 10 (CI fleet) uses the loopback registry and second engine of scripts/start-registry.sh, start-docker-b.sh
//   BENCH_SSH=auto|force|off   cases 4–6: auto runs them once the SSH communicator's integration test passes
//   BENCH_PACKER_PIPELINING=1  give Packer's ansible ANSIBLE_PIPELINING=True too (nx-bake always sets it)
//   BENCH_KEEP=1        keep the temp folder (logs of every command) instead of removing it
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CLOUD_CASES, runCloudCase } from './cases/clouds.mjs';
import { EXAMPLE_CASES, runExampleCases } from './cases/example.mjs';
import { FLEET_CASES, runFleetCase } from './cases/fleet.mjs';
import { GRAPH_CASES, runGraphCase } from './cases/graph.mjs';
import { runSshCases, SSH_CASES, sshGate } from './cases/ssh.mjs';
import { runTasksCase, TASKS_CASES } from './cases/tasks.mjs';
import { dockerUp, imageExists } from './lib/docker.mjs';
import { findMitogen } from './lib/floor.mjs';
import { ensurePacker } from './lib/packer.mjs';
import { buildCases, printTable } from './lib/report.mjs';
import { benchDir, CleanupStack, repoRoot, say, sh, stopRunning } from './lib/util.mjs';
import { snapshotPlugin } from './lib/workspace.mjs';

// Flags win over the environment: `npm run bench -- --cases 4,5 --runs 1 --warmup 0`.
const { values: flags } = parseArgs({ options: { cases: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' } } });
const runs = Number(flags.runs ?? process.env.BENCH_RUNS ?? 3);
const warmup = Number(flags.warmup ?? process.env.BENCH_WARMUP ?? 1);
const allCases = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const caseList = flags.cases ?? process.env.BENCH_CASES;
const selected = new Set(caseList ? caseList.split(',').map((id) => id.trim().replace(/[a-z]$/, '')) : allCases);
// Cases 1, 2, 3, 8 and 9 come out of the same iterations: asking for one reports all five.
if (['1', '2', '3', '8', '9'].some((id) => selected.has(id))) for (const id of ['1', '2', '3', '8', '9']) selected.add(id);
const packerAnsibleEnv = process.env.BENCH_PACKER_PIPELINING === '1' ? ['ANSIBLE_PIPELINING=True'] : [];
const benchId = `b${Date.now().toString(36)}`;
const t0 = performance.now();

const cleanup = new CleanupStack();
let interrupted = false;
let keepLogs = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping the commands under way, then cleaning up`);
    await stopRunning();
    await cleanup.runAll();
    process.exit(130);
  });
}

async function main() {
  if (!(runs >= 1) || !(warmup >= 0)) throw new Error('BENCH_RUNS must be >= 1 and BENCH_WARMUP >= 0');
  if (!dockerUp()) throw new Error('the Docker engine does not answer (start it: `(dockerd > /tmp/dockerd.log 2>&1 &)`)');
  if (!imageExists('nx-bake/debian:bookworm')) throw new Error('base image nx-bake/debian:bookworm is missing: bash scripts/make-base-image.sh');
  const packer = ensurePacker();
  const workDir = mkdtempSync(join(tmpdir(), 'nx-bake-bench-'));
  if (process.env.BENCH_KEEP !== '1') {
    cleanup.add('bench temp folder', () => {
      // Logs outlive the temp folder only when something went wrong, so the problems can be read.
      if (keepLogs && existsSync(join(workDir, 'logs'))) {
        const kept = join(tmpdir(), `nx-bake-bench-logs-${benchId}`);
        renameSync(join(workDir, 'logs'), kept);
        say(`logs kept in ${kept}`);
      }
      rmSync(workDir, { recursive: true, force: true });
    });
  }
  const plugin = snapshotPlugin(workDir);
  if (plugin.srcChangedAt > plugin.distBuiltAt) say(`note: packages/nx-bake/src changed (${plugin.srcChangedAt}) after the last build (${plugin.distBuiltAt}): the bench measures the build`);
  say(`bench ${benchId}: ${runs} measured run(s) after ${warmup} warm-up per case; temp folder ${workDir}`);
  // The floors of 1, 6 and 11 run ansible-playbook with Mitogen's strategy (the plain tool at its best).
  const mitogen = findMitogen();
  if (!mitogen.dir) say(`note: no floors for cases 1, 6 and 11: ${mitogen.reason}`);

  const environment = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    kernel: sh('uname', ['-r']),
    node: process.version,
    nx: sh(join(repoRoot, 'node_modules', '.bin', 'nx'), ['--version'], { allowFail: true, env: { ...process.env, NX_DAEMON: 'false' } }).match(/\d+\.\d+\.\d+/)?.[0],
    packer,
    ansible: sh('ansible-playbook', ['--version'], { allowFail: true }).split('\n')[0],
    ansible_mitogen: mitogen.dir ?? mitogen.reason,
    openssh: sh('ssh', ['-V'], { allowFail: true }) || sh('sh', ['-c', 'ssh -V 2>&1'], { allowFail: true }),
    docker: dockerUp(),
    git_commit: sh('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, allowFail: true }),
    git_dirty: sh('git', ['status', '--porcelain', '--', 'packages/nx-bake'], { cwd: repoRoot, allowFail: true }) !== '',
    plugin_dist_built_at: plugin.distBuiltAt,
    load_average_at_start: sh('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' '),
  };

  const measured = { runs, warmup };
  const skipped = {};
  // The machine may be shared: the load when each group of cases starts goes into the results too.
  const loadAverage = () => sh('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' ');
  environment.load_average_by_group = {};
  if (GRAPH_CASES.some((id) => selected.has(id))) {
    environment.load_average_by_group.graph = loadAverage();
    measured.graph = await runGraphCase({ workDir, runs, warmup, cleanup });
  }

  if (SSH_CASES.some((id) => selected.has(id))) {
    const gate = await sshGate({ pluginDir: plugin.path, workDir });
    environment.load_average_by_group.ssh = loadAverage();
    measured.sshGate = gate;
    if (gate.run) measured.ssh = await runSshCases({ workDir, runs, warmup, benchId, cleanup, pluginDir: plugin.path, selected, packerAnsibleEnv, mitogen });
    else for (const id of SSH_CASES) skipped[id] = gate.reason;
  }

  if (EXAMPLE_CASES.some((id) => selected.has(id))) environment.load_average_by_group.example = loadAverage();
  if (EXAMPLE_CASES.some((id) => selected.has(id))) measured.example = await runExampleCases({ workDir, runs, warmup, benchId, cleanup, packerAnsibleEnv, mitogen });

  if (TASKS_CASES.some((id) => selected.has(id))) {
    environment.load_average_by_group.tasks = loadAverage();
    measured.tasks = await runTasksCase({ workDir, runs, warmup, benchId, cleanup, packerAnsibleEnv, mitogen });
  }

  if (FLEET_CASES.some((id) => selected.has(id))) {
    environment.load_average_by_group.fleet = loadAverage();
    measured.fleet = await runFleetCase({ workDir, runs, warmup, benchId, cleanup, pluginDir: plugin.path });
  }

  if (CLOUD_CASES.some((id) => selected.has(id))) {
    environment.load_average_by_group.clouds = loadAverage();
    measured.clouds = await runCloudCase({ workDir, runs, warmup, cleanup });
  }

  // An interrupted bench leaves the previous results alone.
  if (interrupted) return;
  const cases = buildCases(measured, { selected, skipped });
  environment.load_average_at_end = sh('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' ');
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    schema: 1,
    generated_at: new Date().toISOString(),
    bench_id: benchId,
    duration_s: Math.round(seconds),
    settings: { runs, warmup, cases: [...selected], packer_ansible_env: packerAnsibleEnv, ssh_gate: measured.sshGate ?? null },
    environment,
    cases,
    problems: [...(measured.example?.problems ?? []), ...(measured.ssh?.problems ?? []), ...(measured.graph?.problems ?? []), ...(measured.fleet?.problems ?? []), ...(measured.tasks?.problems ?? []), ...(measured.clouds?.problems ?? [])],
    detail: {
      example_cold_bake_profiles: measured.example?.measured.profiles,
      // Runs after which Nx printed no `nx-bake summary` block (outcomes were then read from Nx's own lines).
      nx_bake_summary_missing: measured.example?.summaryMissing,
      packer_template_seconds: measured.example?.measured.packerStages,
      // Case 1's floor (the chain by hand with the plain tools) per part.
      floor_stage_seconds: measured.example?.measured.floorStages,
      task_memory: measured.example?.measured.rss,
      graph_project_counts: measured.graph?.counts,
      ssh_ours_phases_ms: measured.ssh?.oursPhases,
      // Case 6: time inside the playbook's tasks (the same remote work on both sides) and outside them.
      ansible_task_seconds: measured.ssh?.ansibleTasks,
      ssh_payloads: measured.ssh ? { tree: measured.ssh.tree, file: measured.ssh.bigFile } : undefined,
      // Case 10's reference in its two parts: the pull of app-base on B, and A's app-only bake.
      fleet_reference_parts_s: measured.fleet ? { docker_pull: measured.fleet.measured.pull, app_only_bake_on_a: measured.fleet.measured.buildA } : undefined,
    },
  };
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  if (result.problems.length) {
    keepLogs = true;
    process.stdout.write(`\nProblems (runs with these are still counted; logs named in each line are kept):\n`);
    for (const problem of result.problems) process.stdout.write(`  - ${problem}\n`);
  }
  process.stdout.write(`\nbench/results/latest.json written; ${Math.round(seconds / 60)} min ${Math.round(seconds % 60)} s in all\n`);
}

try {
  await main();
} catch (error) {
  keepLogs = true;
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  if (!interrupted) await cleanup.runAll();
}
