// Case 10 (issue #13): the example pipeline on a CI fleet. Runner A (the default engine) and runner B (a
// second, empty engine: scripts/start-docker-b.sh) share Nx's self-hosted remote cache (fake-nx-cache, in
// the bench's process) and a registry (Debian's docker-registry on loopback: scripts/start-registry.sh).
//
// One iteration (the first is the warm-up), in a fresh repository of its own (nothing to adopt):
//   untimed: A cold-bakes the example with `push: true` (every stage pushed, every task in the remote
//            cache); B clones A's repository; B's engine holds nothing of it
//   ours:    after an app-only commit, B's `nx affected -t bake`: os-base and app-base restored by Nx,
//            app-base pulled by the digest its manifest records, app built on it and pushed
//   ref:     `docker pull` of app-base by that digest on B's (emptied) engine, plus A's own
//            `nx affected -t bake` after another app-only commit (the same work, with app-base at hand)
// Each side's change is its own commit, so neither finds the other's build in the cache; which side goes
// first alternates between iterations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imagesOfRepository, imagesWithFingerprints, manifestImageIds, removeImages } from '../lib/docker.mjs';
import { parseOutcomes } from '../lib/profile.mjs';
import { logPath, nxEnv, repoRoot, say, timed } from '../lib/util.mjs';
import { startFleet } from '../lib/fleet.mjs';
import { cloneWorkspace, createWorkspace } from '../lib/workspace.mjs';

export const FLEET_CASES = ['10'];

const COPY = ['pipelines/images', 'apps'];
const STAGES = ['images/os-base', 'images/app-base', 'images/app'];
const APP_ONLY = { 'images/os-base': 'nx-cache', 'images/app-base': 'nx-cache', 'images/app': 'built' };

/** The example pipeline with `push: true` (the registry and its credentials come from the environment). */
function pushingPipeline() {
  const yaml = readFileSync(join(repoRoot, 'pipelines/images/pipeline.yaml'), 'utf8');
  const pushing = yaml.replace('    repository: "{{ var.repository }}"\n', '    repository: "{{ var.repository }}"\n    push: true\n');
  if (pushing === yaml) throw new Error('the example pipeline changed: bench/cases/fleet.mjs pushingPipeline() needs updating');
  return pushing;
}

export async function runFleetCase({ workDir, runs, warmup, benchId, cleanup, pluginDir }) {
  const fleet = await startFleet({ workDir, cleanup, pluginDir });
  const measured = { ours: [], reference: [], pull: [], buildA: [] };
  const warm = { ours: [], reference: [] };
  const problems = [];
  for (let i = 0; i < warmup + runs; i++) {
    const isWarmup = i < warmup;
    const tag = isWarmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`;
    try {
      const result = await iteration({ i, tag, workDir, benchId, cleanup, fleet, problems });
      const into = isWarmup ? warm : measured;
      into.ours.push(result.ours);
      into.reference.push(result.pull + result.buildA);
      if (!isWarmup) {
        measured.pull.push(result.pull);
        measured.buildA.push(result.buildA);
      }
    } catch (error) {
      problems.push(`fleet (${tag}): ${error.message.split('\n')[0]}`);
      say(`fleet ${tag} failed: ${error.message.split('\n')[0]}`);
    }
  }
  // The fake checks every request against Nx's spec: a departure would make the case measure something else.
  for (const violation of fleet.violations()) problems.push(`fleet: the remote cache saw a departure from its spec: ${JSON.stringify(violation).slice(0, 300)}`);
  await fleet.stop();
  return { measured, warm, problems };
}

async function iteration({ i, tag, workDir, benchId, cleanup, fleet, problems }) {
  const log = logPath(workDir, `fleet-${i}`);
  const name = `nx-bake-bench/${benchId}-fleet-${i}`;
  const repository = `${fleet.registry}/${name}`;
  const common = { NX_CACHE_DIRECTORY: '.nx/cache', ...fleet.cacheEnv, DOCKER_CONFIG: fleet.dockerConfig, BAKE_VAR_repository: repository };
  const envA = nxEnv(common);
  const envB = nxEnv({ ...common, DOCKER_HOST: fleet.dockerHostB });
  const a = createWorkspace(workDir, { name: `fleet-a-${i}`, copy: COPY, files: { 'pipelines/images/pipeline.yaml': pushingPipeline() } });
  let b;
  const fingerprints = new Set();
  const ids = (root, host) => [...(root ? manifestImageIds(root) : []), ...imagesWithFingerprints([...fingerprints], host), ...imagesOfRepository(repository, host)];
  // What B's engine holds of this iteration (a pulled app-base, a built app) goes: it starts each side empty.
  const emptyB = () => {
    const left = removeImages([...ids(b?.root, fleet.dockerHostB), ...ids(a.root, fleet.dockerHostB)], fleet.dockerHostB);
    if (left.length) throw new Error(`could not empty B's engine of ${left.join(', ')}`);
  };
  const release = cleanup.add(`fleet iteration ${i}`, async () => {
    removeImages(ids(b?.root, fleet.dockerHostB), fleet.dockerHostB);
    removeImages(ids(a.root), undefined);
    await fleet.removeRepository(name);
    a.remove();
    b?.remove();
  });
  const run = async (workspace, env, args, label, expected) => {
    const result = await timed(workspace.nxBin, [...args, '--output-style=static'], { cwd: workspace.root, env, logFile: log, label, keepBytes: 4 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status ?? result.signal}); log: ${log}\n${result.output.slice(-3000)}`);
    const { outcomes } = parseOutcomes(result.output, STAGES);
    for (const [stage, outcome] of Object.entries(expected)) {
      if (outcomes[stage] !== outcome) problems.push(`fleet ${label} (${tag}): ${stage} was ${outcomes[stage] ?? 'not reported'}, expected ${outcome}; log: ${log}`);
    }
    for (const fingerprint of manifestFingerprints(workspace.root)) fingerprints.add(fingerprint);
    return result.seconds;
  };
  const commitAppChange = (text) => {
    const page = join(a.root, 'apps/site/src/index.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace('</body>', `  <!-- ${text} -->\n  </body>`));
    a.git('commit', '-q', '-am', text);
  };
  try {
    say(`fleet ${tag}: runner A cold-bakes and pushes (untimed)`);
    await run(a, envA, ['run', 'images:bake'], 'cold bake on A', { 'images/os-base': 'built', 'images/app-base': 'built', 'images/app': 'built' });
    const appBase = JSON.parse(readFileSync(join(a.root, 'dist/images/images/app-base/manifest.json'), 'utf8')).builds[0].custom_data.repo_digest;
    b = cloneWorkspace(workDir, a, `fleet-b-${i}`);
    const result = {};
    const sides = {
      ours: async () => {
        emptyB();
        commitAppChange(`bench ${benchId}-${i} for B`);
        b.git('pull', '-q', '--ff-only');
        say(`fleet ${tag}: ours, runner B's nx affected -t bake`);
        result.ours = await run(b, envB, ['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD'], 'affected bake on B', APP_ONLY);
      },
      reference: async () => {
        say(`fleet ${tag}: reference, docker pull of app-base on B, then runner A's nx affected -t bake`);
        emptyB();
        const pull = await timed('docker', ['-H', fleet.dockerHostB, 'pull', '-q', appBase], { env: { ...process.env, DOCKER_CONFIG: fleet.dockerConfig }, logFile: log, label: 'docker pull app-base on B' });
        if (pull.status !== 0) throw new Error(`docker pull ${appBase} on B failed; log: ${log}\n${pull.output.slice(-2000)}`);
        result.pull = pull.seconds;
        // B's engine is emptied again: its own bake must pull app-base as a fresh runner does.
        if (removeImages([appBase], fleet.dockerHostB).length) throw new Error(`could not remove ${appBase} from B's engine again`);
        commitAppChange(`bench ${benchId}-${i} for A`);
        result.buildA = await run(a, envA, ['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD'], 'affected bake on A', APP_ONLY);
      },
    };
    for (const side of i % 2 === 0 ? ['reference', 'ours'] : ['ours', 'reference']) await sides[side]();
    return result;
  } finally {
    await release();
  }
}

function manifestFingerprints(root) {
  const found = [];
  for (const stage of ['os-base', 'app-base', 'app']) {
    try {
      found.push(JSON.parse(readFileSync(join(root, 'dist/images/images', stage, 'manifest.json'), 'utf8')).fingerprint);
    } catch {
      // not baked (yet)
    }
  }
  return found.filter(Boolean);
}
