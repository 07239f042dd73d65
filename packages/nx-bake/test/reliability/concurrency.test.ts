/**
 * Two bakes of the same stage at the same time (issue #6): two processes in one workspace, and two clones
 * of the workspace sharing one Docker engine. Both succeed, every manifest is whole and names the one image
 * left, and one fingerprint never has two artifacts. See src/engine/stage-lock.ts for how.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBake } from '../support/bake-process';
import { docker, removeByLabel } from '../support/docker';
import { recordLeaks } from '../support/reliability-counts';
import { createWorkspace, type TestWorkspace } from '../support/workspace';
import { localLeaks } from './leaks';
import { BASE_IMAGE } from '../support/base-image';

interface Manifest {
  fingerprint: string;
  builds: { name: string; artifact_id: string }[];
}

describe('two bakes of one stage at once', () => {
  const pipeline = `relcc${randomUUID().slice(0, 6)}`;
  const files = {
    // A stage's folder must exist next to its pipeline file.
    [`pipelines/${pipeline}/only/.gitkeep`]: '',
    [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
builders:
  local:
    type: docker
    network: host
    repository: nx-bake-reliability/${pipeline}
stages:
  - name: only
    from: { image: ${BASE_IMAGE} }
    provisioners:
      - type: shell
        inline: ["echo baking", "sleep 3"]
`,
  };
  const workspaces: TestWorkspace[] = [];
  let tmp: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rel-cc-tmp-'));
  });
  afterAll(async () => {
    await removeByLabel(`nx-bake.pipeline=${pipeline}`);
    workspaces.forEach((workspace) => workspace.remove());
    rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(async () => {
    await removeByLabel(`nx-bake.pipeline=${pipeline}`);
  });

  const bakeIn = (workspace: TestWorkspace) => startBake(workspace, ['run', `${pipeline}-only:bake`, '--skip-nx-cache', '--output-style=stream'], { TMPDIR: tmp });
  const readManifest = (workspace: TestWorkspace) => JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipeline, 'only/manifest.json'), 'utf8')) as Manifest;
  const images = () => docker.listImages({ filters: { label: [`nx-bake.pipeline=${pipeline}`] } });

  it('two processes in one workspace: the second waits for the first, then keeps its artifact', async () => {
    const workspace = createWorkspace({ name: 'rel-cc-one', files });
    workspaces.push(workspace);
    const runs = [bakeIn(workspace), bakeIn(workspace)];
    const codes = await Promise.all(runs.map((run) => run.exited));
    expect([codes, codes.some((code) => code !== 0) ? runs.map((run) => run.output().slice(-3000)) : []]).toEqual([[0, 0], []]);
    const outputs = runs.map((run) => run.output());
    expect(outputs.filter((output) => output.includes('waiting for another bake of stage only'))).toHaveLength(1);
    expect(outputs.filter((output) => /\| baking/.test(output))).toHaveLength(1);
    const manifest = readManifest(workspace);
    const left = await images();
    expect(left.map((image) => image.Id)).toEqual([manifest.builds[0].artifact_id]);
    expect(left[0].Labels['nx-bake.fingerprint']).toBe(manifest.fingerprint);
    expect(recordLeaks([...(await localLeaks({ workspace, tmp, pipeline, allowManifest: true })), ...left.slice(1).map((image) => `duplicate image ${image.Id}`)])).toEqual([]);
  });

  it('two clones sharing the Docker engine: both build, the later one removes its image and adopts the older', async () => {
    const clones = [createWorkspace({ name: 'rel-cc-a', files }), createWorkspace({ name: 'rel-cc-b', files })];
    workspaces.push(...clones);
    const runs = clones.map(bakeIn);
    const codes = await Promise.all(runs.map((run) => run.exited));
    expect([codes, codes.some((code) => code !== 0) ? runs.map((run) => run.output().slice(-3000)) : []]).toEqual([[0, 0], []]);
    const manifests = clones.map(readManifest);
    expect(manifests[0].fingerprint).toBe(manifests[1].fingerprint);
    const left = await images();
    expect(left).toHaveLength(1);
    expect(manifests.map((manifest) => manifest.builds[0].artifact_id)).toEqual([left[0].Id, left[0].Id]);
    expect((await docker.getImage(left[0].Id).inspect()).RepoTags).toContain(`nx-bake-reliability/${pipeline}:latest`);
    // Both really built (no lock reaches across clones): the later one said it adopted the other's image.
    expect(runs.filter((run) => /\| baking/.test(run.output()))).toHaveLength(2);
    expect(runs.filter((run) => /another bake already built .* adopting it/.test(run.output()))).toHaveLength(1);
    const leaks = [...left.slice(1).map((image) => `duplicate image ${image.Id}`)];
    for (const workspace of clones) leaks.push(...(await localLeaks({ workspace, tmp, pipeline, allowManifest: true })));
    expect(recordLeaks(leaks)).toEqual([]);
  });
});
