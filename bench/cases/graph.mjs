// Case 7: project graph creation. Workspace A: 300 pipelines × 3 stages, each stage with its own folder
// holding a small script the stage runs. Workspace B, the same shape without the plugin: 900 plain
// project.json projects (300 folders × 3), each with the same small file and a chain of implicit
// dependencies like the stages'. Both: `nx show projects`, no daemon, and a cold graph each time —
// NX_CACHE_PROJECT_GRAPH=false turns off Nx's file-map and its own plugins' caches, but not a plugin's
// own cache (nx-bake keeps one in .nx/workspace-data), so that folder is deleted before every run.
// 7b (informational): the same with .nx/workspace-data kept, i.e. with nx-bake's inference cache warm.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { logPath, nxEnv, say, timed } from '../lib/util.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

export const GRAPH_CASES = ['7'];

const PIPELINES = 300;
const STAGES = ['s1', 's2', 's3'];
const pad = (n) => String(n).padStart(3, '0');

export function pipelineFiles() {
  const files = {};
  for (let p = 1; p <= PIPELINES; p++) {
    const name = `p${pad(p)}`;
    const stages = STAGES.map((stage, index) => {
      files[`pipelines/${name}/${stage}/setup.sh`] = `#!/bin/sh\necho "${name}/${stage}" > /etc/${name}-${stage}\n`;
      const from = index === 0 ? '{ image: "nx-bake/debian:bookworm" }' : `{ stage: ${STAGES[index - 1]} }`;
      return `  - name: ${stage}\n    from: ${from}\n    provisioners:\n      - { type: shell, script: ${stage}/setup.sh }\n`;
    });
    files[`pipelines/${name}/pipeline.yaml`] =
      `name: ${name}\nbuilders:\n  local:\n    type: docker\n    network: host\n    repository: nx-bake-bench/graph\n    tag: "${name}-{{ stage.name }}"\nstages:\n${stages.join('')}`;
  }
  return files;
}

export function plainFiles() {
  const files = {};
  for (let p = 1; p <= PIPELINES; p++) {
    const name = `p${pad(p)}`;
    STAGES.forEach((stage, index) => {
      files[`pipelines/${name}/${stage}/setup.sh`] = `#!/bin/sh\necho "${name}/${stage}" > /etc/${name}-${stage}\n`;
      files[`pipelines/${name}/${stage}/project.json`] = JSON.stringify(
        {
          name: `${name}-${stage}`,
          implicitDependencies: index === 0 ? [] : [`${name}-${STAGES[index - 1]}`],
          targets: { bake: { command: 'sh setup.sh', options: { cwd: `pipelines/${name}/${stage}` }, cache: true, inputs: ['{projectRoot}/**/*'] } },
        },
        null,
        2,
      );
    });
  }
  return files;
}

export async function runGraphCase({ workDir, runs, warmup, cleanup }) {
  say('graph: generating 300 pipelines × 3 stages, and 900 plain projects');
  const withPlugin = createWorkspace(workDir, { name: 'graph-pipelines', files: pipelineFiles() });
  const plain = createWorkspace(workDir, { name: 'graph-plain', files: plainFiles(), plugins: [] });
  const release = cleanup.add('graph workspaces', () => {
    withPlugin.remove();
    plain.remove();
  });
  const env = nxEnv({ NX_CACHE_PROJECT_GRAPH: 'false', NX_ISOLATE_PLUGINS: undefined });
  const log = logPath(workDir, 'graph');
  const result = { cold: { ours: [], reference: [] }, warmPluginCache: { ours: [], reference: [] }, counts: {}, problems: [] };
  const measure = async (ws, keepWorkspaceData, label) => {
    if (!keepWorkspaceData) rmSync(join(ws.root, '.nx', 'workspace-data'), { recursive: true, force: true });
    const run = await timed(ws.nxBin, ['show', 'projects'], { cwd: ws.root, env, logFile: log, label, keepBytes: 1024 * 1024 });
    if (run.status !== 0) throw new Error(`nx show projects failed in ${ws.root}:\n${run.output.slice(-3000)}`);
    result.counts[label] = run.output.split('\n').filter((line) => /^\S+$/.test(line)).length;
    return run.seconds;
  };
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const measured = i >= warmup;
      say(`graph ${measured ? `run ${i - warmup + 1}/${runs}` : `warm-up ${i + 1}`}`);
      // Alternate which workspace goes first.
      const order = i % 2 === 0 ? ['ours', 'reference'] : ['reference', 'ours'];
      for (const side of order) {
        const ws = side === 'ours' ? withPlugin : plain;
        const cold = await measure(ws, false, `${side} cold`);
        const warm = await measure(ws, true, `${side} warm plugin cache`);
        if (measured) {
          result.cold[side].push(cold);
          result.warmPluginCache[side].push(warm);
        }
      }
    }
  } finally {
    await release();
  }
  return result;
}
