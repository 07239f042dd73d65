/**
 * SIGKILL gives a bake no chance to clean up (issue #6, with the leak sweep of #7): whatever it had
 * created — a build container, a droplet and its SSH key, its private temp folder — is left behind. The
 * run's journal and the resources' run labels/tags let `nx run <pipeline>:gc --leaked` find all of it; the
 * test proves the kill left something, and that the sweep leaves nothing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { useBakeFixture } from '../support/bake-fixture';
import { startBake } from '../support/bake-process';
import { containersWithLabel, docker, removeByLabel } from '../support/docker';
import { oneStageDoPipeline } from '../support/do-pipeline';
import { recordCounts, recordLeaks } from '../support/reliability-counts';
import type { TestWorkspace } from '../support/workspace';
import { cloudLeaks, localLeaks, walk } from './leaks';
import { BASE_IMAGE } from '../support/base-image';

const HOLD = `      - type: shell
        inline: ["echo shell-started", "sleep 300"]`;

async function killDuringProvisioning(workspace: TestWorkspace, project: string, env: NodeJS.ProcessEnv): Promise<void> {
  const run = startBake(workspace, ['run', `${project}:bake`, '--skip-nx-cache', '--output-style=stream'], { PYTHONUNBUFFERED: '1', ...env });
  const { code } = await run.interruptAt(/\| shell-started/, 'SIGKILL', 30_000);
  recordCounts({ interruptsInjected: 1 });
  expect(code).not.toBe(0);
}

const journals = (workspace: TestWorkspace) => {
  const dir = join(workspace.root, '.nx', 'nx-bake', 'runs');
  return existsSync(dir) ? readdirSync(dir) : [];
};
const tempFolders = (tmp: string) => walk(tmp).filter((path) => /^nx-bake-[^/]*$/.test(path));

describe('gc --leaked after a SIGKILL, Docker builder', () => {
  const pipeline = `relkill${randomUUID().slice(0, 6)}`;
  const fx = useBakeFixture({
    name: 'rel-kill-docker',
    files: {
        [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
builders:
  local: { type: docker, network: host, repository: nx-bake-reliability/${pipeline} }
stages:
  - name: only
    from: { image: ${BASE_IMAGE} }
    provisioners:
${HOLD}
`,
        [`pipelines/${pipeline}/only/README.md`]: 'the stage\n',
    },
  });
  afterAll(() => removeByLabel(`nx-bake.pipeline=${pipeline}`));

  it('finds and removes the container and temp folder of the killed run', async () => {
    await killDuringProvisioning(fx.workspace, `${pipeline}-only`, fx.env());
    // The kill really left things behind: otherwise this test would prove nothing.
    expect(await containersWithLabel(`nx-bake.pipeline=${pipeline}`)).toHaveLength(1);
    expect(tempFolders(fx.tmp)).toHaveLength(1);
    expect(journals(fx.workspace)).toHaveLength(1);

    const sweep = fx.workspace.nx(['run', `${pipeline}:gc`, '--leaked', '--output-style=static']);
    expect(sweep.status).toBe(0);
    expect(sweep.stdout).toContain('2 leaked resources');
    expect(sweep.stdout).toMatch(/container [0-9a-f]{64}: removing \(its run .* was killed\)/);
    expect(recordLeaks(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline }))).toEqual([]);
    expect(tempFolders(fx.tmp)).toEqual([]);
    expect(journals(fx.workspace)).toEqual([]);
  });

  it('leaves a young container of a run it does not know until it is older than --older-than', async () => {
    // As a bake on another machine sharing this engine would have it: labelled, and no journal here.
    const container = await docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { 'nx-bake.pipeline': pipeline, 'nx-bake.stage': 'only', 'nx-bake.run': `elsewhere-${randomUUID()}` },
    });
    const young = fx.workspace.nx(['run', `${pipeline}:gc`, '--leaked', '--olderThan=1h', '--output-style=static']);
    expect(young.stdout).toContain('0 leaked resources');
    expect(await containersWithLabel(`nx-bake.pipeline=${pipeline}`)).toHaveLength(1);
    // Another pipeline's build on the same engine is that pipeline's to sweep, however old.
    const otherPipeline = `${pipeline}-other`;
    const other = await docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { 'nx-bake.pipeline': otherPipeline, 'nx-bake.stage': 'only', 'nx-bake.run': `elsewhere-${randomUUID()}` },
    });
    try {
      const old = fx.workspace.nx(['run', `${pipeline}:gc`, '--leaked', '--olderThan=0s', '--output-style=static']);
      expect(old.stdout).toContain(`container ${container.id}: removing (no running bake here knows its run`);
      expect(old.stdout).not.toContain(other.id);
      expect(await containersWithLabel(`nx-bake.pipeline=${pipeline}`)).toHaveLength(0);
      expect(await containersWithLabel(`nx-bake.pipeline=${otherPipeline}`)).toHaveLength(1);
    } finally {
      await other.remove({ force: true });
    }
  });
});

describe('gc --leaked after a SIGKILL, DigitalOcean builder', () => {
  const fx = useBakeFixture({
    name: 'rel-kill-do',
    cloud: true,
    files: {
      'pipelines/relkilldo/pipeline.yaml': oneStageDoPipeline({ name: 'relkilldo', provisioners: HOLD }),
      'pipelines/relkilldo/only/README.md': 'the stage\n',
    },
  });

  it('finds and removes the droplet, the SSH key and the temp folder of the killed run', async () => {
    const env = fx.env();
    await killDuringProvisioning(fx.workspace, 'relkilldo-only', env);
    expect(fx.fake.state().droplets).toHaveLength(1);
    expect(fx.fake.state().keys).toHaveLength(1);
    expect(tempFolders(fx.tmp)).toHaveLength(1);

    const sweep = await fx.workspace.nxAsync(['run', 'relkilldo:gc', '--leaked', '--output-style=static'], { env });
    expect(sweep.status).toBe(0);
    expect(sweep.stdout).toContain('3 leaked resources');
    expect(sweep.stdout).toMatch(/ssh-key \d+: removing/);
    expect(sweep.stdout).toMatch(/droplet \d+: removing/);
    expect(sweep.output).not.toContain(fx.token);
    expect(recordLeaks([...(await cloudLeaks(fx.fake)), ...(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline: 'relkilldo' }))])).toEqual([]);
    expect(journals(fx.workspace)).toEqual([]);
    expect(fx.fake.violations()).toEqual([]);
  });
});
