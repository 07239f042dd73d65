import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE } from '../support/base-image';
import { docker, runInImage } from '../support/docker';
import { createWorkspace, repoRoot, type TestWorkspace } from '../support/workspace';

/**
 * The example pipeline's three layers as Packer users chain them by hand (os-base.json → app-base.json →
 * app.pkr.hcl, each starting from the tag the one before pushes): one `nx g nx-bake:from-packer` makes a
 * pipeline that bakes, and its stages have the fingerprints of the same pipeline written by hand.
 */
const FIXTURES = join(repoRoot, 'packages/nx-bake/test/fixtures/packer-chain');
const EXAMPLE = join(repoRoot, 'pipelines/images');
const STAGES = ['os-base', 'app-base', 'app'];
const REPOSITORY = 'nx-bake/packer-chain';
const VARS = [`--var=repository=${REPOSITORY}`, `--var=base_image=${BASE_IMAGE}`];
const ENV = { BAKE_VAR_deploy_token: 'chain-test-token' };

function withStageFolders(workspace: TestWorkspace, into: string): void {
  for (const stage of STAGES) cpSync(join(EXAMPLE, stage), join(workspace.root, into, stage), { recursive: true });
}

describe('nx g nx-bake:from-packer: three chained templates', () => {
  let imported: TestWorkspace;
  let handWritten: TestWorkspace;

  beforeAll(() => {
    imported = createWorkspace({ name: 'from-packer-chain' });
    for (const file of ['os-base.json', 'app-base.json', 'app.pkr.hcl']) cpSync(join(FIXTURES, file), join(imported.root, 'packer', file));
    withStageFolders(imported, 'packer');
    handWritten = createWorkspace({ name: 'hand-written-chain' });
    cpSync(join(FIXTURES, 'hand-written/pipeline.yaml'), join(handWritten.root, 'pipelines/images/pipeline.yaml'));
    withStageFolders(handWritten, 'pipelines/images');
  });
  afterAll(async () => {
    imported?.remove();
    handWritten?.remove();
    const images = await docker.listImages({ filters: { reference: [REPOSITORY] } });
    for (const image of images.sort((a, b) => b.Created - a.Created)) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  });

  it('imports them as one pipeline of chained stages, with a report of what it did', () => {
    const result = imported.nx(['g', 'nx-bake:from-packer', '--template=packer/os-base.json', '--template=packer/app-base.json', '--template=packer/app.pkr.hcl', '--no-interactive']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("packer/app-base.json:8: mapped: builder local: its base is os-base's artifact (its Docker tag): from: { stage: os-base }");
    expect(result.stdout).toMatch(/packer\/app\.pkr\.hcl:\d+: mapped: builder local: its base is app-base's artifact \(its Docker tag\)/);
    expect(result.stdout).toMatch(/packer\/os-base\.json:13: approximated: run_command: nx-bake starts the container itself; its network → the builder's fields/);
    expect(result.stdout).toMatch(/packer\/os-base\.json:26: dropped: manifest output/);
    expect(result.stdout).toMatch(/packer\/os-base\.json:19: mapped: playbook os-base\/playbook.yml → os-base\/playbook.yml \(copied\)/);
    expect(readFileSync(join(imported.root, 'pipelines/images/app-base/site.conf.j2'), 'utf8')).toBe(readFileSync(join(EXAMPLE, 'app-base/site.conf.j2'), 'utf8'));
    const validate = imported.nx(['run', 'images:validate'], { env: ENV });
    expect(validate.output).toContain('pipeline images is valid (3 stages)');
    expect(JSON.parse(imported.nx(['show', 'projects', '--json']).stdout).sort()).toEqual(['images', 'images-app', 'images-app-base', 'images-os-base']);
  });

  it('bakes, and the hand-written pipeline finds every stage already built: the same fingerprints', async () => {
    const bake = imported.nx(['run', 'images:bake', ...VARS, '--output-style=static'], { env: ENV });
    expect(bake.status).toBe(0);
    const manifests = STAGES.map((stage) => JSON.parse(readFileSync(join(imported.root, 'dist/images/images', stage, 'manifest.json'), 'utf8')));
    expect(manifests.map((manifest) => manifest.outcome)).toEqual(['built', 'built', 'built']);
    expect(manifests[2].base).toMatchObject({ kind: 'stage', ref: 'images/app-base' });
    // What each layer's provisioners did is in the last image.
    const image = `${REPOSITORY}:app`;
    expect(await runInImage(image, ['sh', '-c', 'id -u site && test -x /usr/local/bin/boot.sh && echo ok'])).toMatch(/ok/);

    const plan = handWritten.nx(['run', 'images:plan', ...VARS, '--outputFile=plan.json', '--output-style=static'], { env: ENV });
    expect(plan.status).toBe(0);
    const entries = JSON.parse(readFileSync(join(handWritten.root, 'plan.json'), 'utf8')) as { stage: string; outcome: string; fingerprint: string }[];
    expect(entries.map((entry) => [entry.stage, entry.outcome, entry.fingerprint])).toEqual(manifests.map((manifest) => [manifest.stage, 'adopted', manifest.fingerprint]));
  });

  it('refuses a template with a syntax error at its file:line:col, and writes nothing', () => {
    imported.write('broken/base.json', '{\n  "builders": [\n    { "type": "docker", "image": "debian:bookworm", }\n  ]\n}\n');
    imported.write('broken/app.pkr.hcl', 'source "docker" "app" {\n  image = "debian:bookworm"\n\nbuild {\n');
    for (const [template, at] of [
      ['broken/base.json', /broken\/base\.json:3:\d+: /],
      ['broken/app.pkr.hcl', /broken\/app\.pkr\.hcl:\d+:\d+: /],
    ] as const) {
      const result = imported.nx(['g', 'nx-bake:from-packer', `--template=${template}`, '--pipeline=broken', '--no-interactive']);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(at);
      expect(existsSync(join(imported.root, 'pipelines/broken'))).toBe(false);
    }
  });
});
