// What `systemd: true` costs a Docker bake: the same one-stage pipeline (one shell provisioner writing a
// file) baked cold N times with and without it, sides alternating, in one temp workspace as the bench's
// cases make them (the plugin a snapshot of packages/nx-bake/dist). Every bake is cold: each run bakes into
// a repository of its own (part of the fingerprint), with --skip-nx-cache; its images are removed after.
//
//   npm run build && node bench/systemd.mjs            # BENCH_RUNS (3) measured runs per side, 1 warm-up
//   NX_BAKE_BASE_IMAGE=nx-bake/debian:bookworm-i19 node bench/systemd.mjs
//
// Prints a table and writes bench/results/systemd.json. Like the other cases, nothing fails on a duration.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace, snapshotPlugin } from './lib/workspace.mjs';
import { benchDir, logPath, mustRun, nxEnv, say, sh, summarize } from './lib/util.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const BASE_IMAGE = process.env.NX_BAKE_BASE_IMAGE || 'nx-bake/debian:bookworm';
const SIDES = { plain: '', systemd: '\n    systemd: true' };

const pipeline = (name, extra) => `name: ${name}
variables:
  repository: { type: string }
builders:
  local:
    type: docker
    network: host
    repository: "{{ var.repository }}"${extra}
stages:
  - name: only
    from: { image: "${BASE_IMAGE}" }
    provisioners:
      - type: shell
        inline: ["echo baked > /etc/nx-bake-bench"]
`;

const workDir = mkdtempSync(join(tmpdir(), 'nx-bake-bench-systemd-'));
const removeImages = (repository) => {
  const ids = sh('docker', ['image', 'ls', '-q', '--filter', `reference=${repository}`], { allowFail: true });
  if (ids) sh('docker', ['image', 'rm', '-f', ...new Set(ids.split('\n'))], { allowFail: true });
};
try {
  if (!sh('docker', ['image', 'ls', '-q', BASE_IMAGE])) throw new Error(`base image ${BASE_IMAGE} is missing: bash scripts/make-base-image.sh`);
  const plugin = snapshotPlugin(workDir);
  // A stage is a project once its folder exists.
  const files = Object.fromEntries(
    Object.entries(SIDES).flatMap(([side, extra]) => [
      [`pipelines/${side}/pipeline.yaml`, pipeline(side, extra)],
      [`pipelines/${side}/only/.gitkeep`, ''],
    ]),
  );
  const workspace = createWorkspace(workDir, { name: 'systemd', files });
  const seconds = { plain: [], systemd: [] };
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const order = run % 2 ? ['systemd', 'plain'] : ['plain', 'systemd'];
    for (const side of order) {
      const repository = `nx-bake-bench/systemd-${side}-${process.pid}-${run}`;
      try {
        const result = await mustRun(workspace.nxBin, ['run', `${side}-only:bake`, '--skip-nx-cache', '--output-style=static'], {
          cwd: workspace.root,
          env: nxEnv({ BAKE_VAR_repository: repository }),
          logFile: logPath(workDir, side),
          label: `${side} run ${run}`,
        });
        if (!/only: built/.test(result.output)) throw new Error(`${side} run ${run} did not build:\n${result.output.slice(-2000)}`);
        const measured = run >= WARMUP;
        say(`${side} run ${run}${measured ? '' : ' (warm-up)'}: ${result.seconds.toFixed(2)} s`);
        if (measured) seconds[side].push(result.seconds);
      } finally {
        removeImages(repository);
      }
    }
  }
  const plain = summarize(seconds.plain);
  const systemd = summarize(seconds.systemd);
  const cost = systemd.median - plain.median;
  const result = { baseImage: BASE_IMAGE, runs: RUNS, warmup: WARMUP, plugin, seconds, plain, systemd, costSeconds: Math.round(cost * 100) / 100 };
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  writeFileSync(join(benchDir, 'results', 'systemd.json'), `${JSON.stringify(result, null, 2)}\n`);
  const row = (name, s) => `| ${name} | ${s.median.toFixed(2)} s | ${s.min.toFixed(2)}–${s.max.toFixed(2)} s |`;
  console.log(`| one-stage docker bake (cold, ${RUNS} runs) | median | min–max |\n| --- | --- | --- |\n${row('without systemd', plain)}\n${row('systemd: true', systemd)}`);
  console.log(`systemd: true costs ${cost.toFixed(2)} s a build (median difference)`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
