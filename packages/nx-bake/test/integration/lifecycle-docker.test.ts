import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { docker, imagesWithLabel, removeByLabel } from '../support/docker';
import { createWorkspace, type TestWorkspace } from '../support/workspace';
import { BASE_IMAGE } from '../support/base-image';

/**
 * Retention, channels, rollback and revocation against the real Docker engine: four bakes of a two-stage
 * pipeline (each with a new `version`, so both stages are rebuilt), a channel promoted twice, then gc,
 * rollback and revocation, each checked against the images that really exist.
 */
const pipelineName = `lc${randomUUID().slice(0, 6)}`;
const repository = `nx-bake-e2e/${pipelineName}`;
const label = `nx-bake.pipeline=${pipelineName}`;

const pipelineYaml = `
name: ${pipelineName}
variables:
  version: { type: string, default: "0" }
builders:
  local: { type: docker, repository: ${repository}, tag: "{{ stage.name }}", network: host }
stages:
  - name: base
    from: { image: ${BASE_IMAGE} }
    retain: { count: 1 }
    provisioners:
      - { type: shell, inline: ["echo base {{ var.version }} > /etc/base-version"] }
  - name: app
    from: { stage: base }
    retain: { count: 1 }
    provisioners:
      - { type: shell, inline: ["echo app > /etc/app-version"] }
`;

interface Manifest {
  fingerprint: string;
  builds: { artifact_id: string }[];
  base: { artifacts: Record<string, string> };
  outcome: string;
}

describe('image lifecycle with the Docker builder', () => {
  let workspace: TestWorkspace;
  /** Artifact IDs by bake number (1-4), per stage. */
  const base: string[] = [];
  const app: string[] = [];

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => workspace.nx([...args, '--output-style=static'], { env });
  const manifest = (stage: string): Manifest => JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipelineName, stage, 'manifest.json'), 'utf8'));
  const bake = (version: string) => {
    const result = run(['run', `${pipelineName}:bake`], { BAKE_VAR_version: version });
    if (result.status !== 0) throw new Error(`bake ${version} failed:\n${result.output.slice(-4000)}`);
    base.push(manifest('base').builds[0].artifact_id);
    app.push(manifest('app').builds[0].artifact_id);
  };
  const existing = async () => new Set((await docker.listImages({ all: true, filters: { label: [label] } })).map((image) => image.Id));
  const channels = () => parse(readFileSync(join(workspace.root, pipelineName, 'channels.yaml'), 'utf8')).channels;

  beforeAll(async () => {
    workspace = createWorkspace({
      name: 'nx-bake-lifecycle',
      files: {
        [`${pipelineName}/pipeline.yaml`]: pipelineYaml,
        [`${pipelineName}/base/README.md`]: 'base\n',
        [`${pipelineName}/app/README.md`]: 'app\n',
      },
    });
    bake('1');
    expect(run(['run', `${pipelineName}:promote`, '--stage=app', '--channel=production']).status).toBe(0);
    bake('2');
    expect(run(['run', `${pipelineName}:promote`, '--stage=app', '--channel=production']).status).toBe(0);
    bake('3');
    bake('4');
  });

  afterAll(async () => {
    await removeByLabel(label);
    workspace?.remove();
  });

  it('built four distinct artifacts per stage, each app on the base of its own bake', async () => {
    expect(new Set(base).size).toBe(4);
    expect(new Set(app).size).toBe(4);
    expect(manifest('app').base.artifacts.local).toBe(base[3]);
    const present = await existing();
    for (const id of [...base, ...app]) expect(present.has(id)).toBe(true);
  });

  it('records the channel with its lineage and history in a committed file', () => {
    const production = channels().app.production;
    expect(production.current.artifacts).toEqual({ local: app[1] });
    expect(production.current.lineage[0]).toMatchObject({ ref: `${pipelineName}/base`, kind: 'stage', artifacts: { local: base[1] } });
    expect(production.current.lineage[1]).toMatchObject({ kind: 'image', artifacts: { local: BASE_IMAGE } });
    expect(production.current.git_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(production.history.map((entry: { artifacts: unknown }) => entry.artifacts)).toEqual([{ local: app[0] }]);
  });

  it('channels reports the channel out of date: a newer build and a rebuilt base', () => {
    const result = run(['run', `${pipelineName}:channels`]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${pipelineName}/app production: local ${app[1]}`);
    expect(result.stdout).toContain('out-of-date');
    expect(result.stdout).toContain(`a newer build of ${pipelineName}/app: local ${app[3]}`);
    expect(result.stdout).toContain(`base ${pipelineName}/base was rebuilt: now local ${base[3]}`);
  });

  it('gc lists without deleting, then deletes exactly what no manifest, channel or kept child refers to', async () => {
    const dry = run(['run', `${pipelineName}:gc`]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('would delete 2 of 8 artifacts');
    expect(dry.stdout).toContain(`app ${app[2]}`);
    expect((await existing()).size).toBeGreaterThanOrEqual(8);

    const applied = run(['run', `${pipelineName}:gc`, '--apply']);
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain('deleted 2 of 8 artifacts');
    const present = await existing();
    // Bake 3's app (beyond count 1, not pinned) and its base (its only child went with it) are gone.
    expect(present.has(app[2])).toBe(false);
    expect(present.has(base[2])).toBe(false);
    // Bake 4: the current manifests. Bake 2: the channel. Bake 1: the channel's rollback target. Bases of kept apps stay.
    for (const id of [app[3], base[3], app[1], base[1], app[0], base[0]]) expect(present.has(id)).toBe(true);

    const again = run(['run', `${pipelineName}:gc`, '--apply']);
    expect(again.stdout).toContain('deleted 0 of 6 artifacts');
  });

  it('rolls a channel back one step, and refuses when there is nothing to roll back to', () => {
    expect(run(['run', `${pipelineName}:promote`, '--stage=app', '--channel=production', '--to=previous']).status).toBe(0);
    const production = channels().app.production;
    expect(production.current.artifacts).toEqual({ local: app[0] });
    expect(production.history).toEqual([]);
    const none = run(['run', `${pipelineName}:promote`, '--stage=app', '--channel=production', '--to=previous']);
    expect(none.status).not.toBe(0);
    expect(none.output).toContain('has no previous entry to roll back to');
  });

  it('revokes an artifact and its descendants: no promotion, no build on it, and the next bake replaces it', async () => {
    const revoked = run(['run', `${pipelineName}:revoke`, `--artifact=${base[3]}`, '--descendants', '--reason=CVE-2026-0001']);
    expect(revoked.status).toBe(0);
    const file = parse(readFileSync(join(workspace.root, pipelineName, 'revocations.yaml'), 'utf8'));
    expect(file.revoked.map((entry: { artifact: string }) => entry.artifact).sort()).toEqual([base[3], app[3]].sort());
    expect(file.revoked.find((entry: { artifact: string }) => entry.artifact === app[3])).toMatchObject({ descendant_of: base[3], stage: 'app', reason: 'CVE-2026-0001' });

    const promotion = run(['run', `${pipelineName}:promote`, '--stage=app', '--channel=production']);
    expect(promotion.status).not.toBe(0);
    expect(promotion.output).toContain(`cannot point at it: ${app[3]} was revoked`);

    const onRevokedBase = run(['run', `${pipelineName}-app:bake`, '--excludeTaskDependencies'], { BAKE_VAR_version: '4' });
    expect(onRevokedBase.status).not.toBe(0);
    expect(onRevokedBase.output).toContain(`refusing to build app on a revoked base: ${base[3]} was revoked`);
    expect(existsSync(join(workspace.root, 'dist/images', pipelineName, 'app', 'manifest.json'))).toBe(false);

    const rebake = run(['run', `${pipelineName}:bake`], { BAKE_VAR_version: '4' });
    expect(rebake.status).toBe(0);
    expect(rebake.output).toContain(`the recorded artifact ${base[3]} is revoked`);
    const newBase = manifest('base');
    expect(newBase.outcome).toBe('built');
    expect(newBase.builds[0].artifact_id).not.toBe(base[3]);
    // Same inputs, so the same fingerprint: only the revocation made it build again.
    expect(manifest('app').base.artifacts.local).toBe(newBase.builds[0].artifact_id);
    expect(manifest('app').builds[0].artifact_id).not.toBe(app[3]);
    expect(run(['run', `${pipelineName}:promote`, '--stage=app', '--channel=production']).status).toBe(0);
    expect(channels().app.production.current.artifacts).toEqual({ local: manifest('app').builds[0].artifact_id });
    expect((await imagesWithLabel(label)).length).toBeGreaterThan(0);
  });
});
