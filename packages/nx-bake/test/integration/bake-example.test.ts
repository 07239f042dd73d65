import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BASE_IMAGE } from '../support/base-image';
import { docker, runInImage } from '../support/docker';
import { fetchWhenUp, freePort } from '../support/net';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/** The example pipeline, baked for real with the Docker engine and ansible-playbook, then run. */
describe('nx run images:bake (the example, for real)', () => {
  const repository = `nx-bake-e2e/example-${randomUUID().slice(0, 8)}`;
  const canary = `canary-${randomUUID()}`;
  let workspace: TestWorkspace;
  let output = '';
  let status: number | null;

  beforeAll(() => {
    workspace = createWorkspace({ copy: ['pipelines', 'apps'], name: 'bake-example' });
    const result = workspace.nx(['run', 'images:bake', '--output-style=static'], {
      env: { BAKE_VAR_repository: repository, BAKE_VAR_deploy_token: canary, BAKE_VAR_base_image: BASE_IMAGE },
    });
    output = result.output;
    status = result.status;
  });

  afterAll(async () => {
    for (const stage of ['app', 'app-base', 'os-base']) {
      await docker.getImage(`${repository}:${stage}`).remove({ force: true }).catch(() => undefined);
    }
    workspace.remove();
  });

  const manifestOf = (stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8'));

  it('bakes all three stages and records each in a manifest', () => {
    if (status !== 0) throw new Error(`bake failed:\n${output.slice(-6000)}`);
    for (const stage of ['os-base', 'app-base', 'app']) {
      const manifest = manifestOf(stage);
      expect(manifest).toMatchObject({ pipeline: 'images', stage, outcome: 'built', last_run_uuid: expect.any(String) });
      expect(manifest.builds).toEqual([
        expect.objectContaining({
          name: 'local',
          builder_type: 'docker',
          artifact_id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          custom_data: { tag: `${repository}:${stage}` },
          packer_run_uuid: manifest.last_run_uuid,
        }),
      ]);
      expect(manifest.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('chains the layers: each stage starts from its parent artifact', async () => {
    const osBase = manifestOf('os-base');
    const appBase = manifestOf('app-base');
    const app = manifestOf('app');
    expect(osBase.base).toMatchObject({ kind: 'image', ref: BASE_IMAGE });
    expect(appBase.base).toEqual({ kind: 'stage', ref: 'images/os-base', fingerprint: osBase.fingerprint, artifacts: { local: osBase.builds[0].artifact_id } });
    expect(app.base).toEqual({ kind: 'stage', ref: 'images/app-base', fingerprint: appBase.fingerprint, artifacts: { local: appBase.builds[0].artifact_id } });
    const image = await docker.getImage(app.builds[0].artifact_id).inspect();
    expect(image.Config.Labels).toMatchObject({
      'nx-bake.pipeline': 'images',
      'nx-bake.stage': 'app',
      'nx-bake.builder': 'local',
      'nx-bake.fingerprint': app.fingerprint,
      'nx-bake.base': appBase.builds[0].artifact_id,
      layer: 'app',
    });
    expect(image.Config.Cmd).toEqual(['/usr/local/bin/boot.sh']);
  });

  it('leaves in the final image what each of the three stages did', async () => {
    const tag = `${repository}:app`;
    const check = await runInImage(tag, [
      '/bin/sh',
      '-c',
      'cat /etc/nx-bake-os-base /etc/nx-bake-app-base /etc/nx-bake-release /etc/motd; id -u ops; dpkg -s tzdata >/dev/null 2>&1 && echo tzdata-present || echo tzdata-removed; cat /etc/sysctl.d/90-hardening.conf; stat -c %U /srv/www/site/index.html',
    ]);
    expect(check).toContain('hardened');
    expect(check).toContain('web server for /srv/www/site');
    expect(check).toMatch(/images\/app built from sha256:[0-9a-f]{64}/);
    // The raw block kept Ansible's own expression for Ansible, which filled in the host name.
    expect(check).toMatch(/Welcome to \S+/);
    expect(check).not.toContain('{{');
    expect(check).toContain('tzdata-removed');
    expect(check).toContain('kernel.kptr_restrict = 2');
    expect(check).toMatch(/^site$/m);
  });

  it('serves the site from the final image', async () => {
    const port = await freePort();
    const container = await docker.createContainer({
      Image: `${repository}:app`,
      Env: [`PORT=${port}`],
      HostConfig: { NetworkMode: 'host' },
    });
    try {
      await container.start();
      const page = await fetchWhenUp(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Hello from an immutable server');
      expect(page.body).toContain('site version 0.0.0');
    } finally {
      await container.remove({ force: true });
    }
  });

  it('keeps the sensitive variable out of output, manifests and image metadata', async () => {
    expect(output).toContain('deploy token received');
    expect(output).not.toContain(canary);
    for (const stage of ['os-base', 'app-base', 'app']) {
      expect(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8')).not.toContain(canary);
    }
    const history = await docker.getImage(`${repository}:app`).history();
    const image = await docker.getImage(`${repository}:app`).inspect();
    expect(JSON.stringify(history) + JSON.stringify(image)).not.toContain(canary);
  });

  it('leaves no build container behind', async () => {
    const runs = ['os-base', 'app-base', 'app'].map((stage) => manifestOf(stage).last_run_uuid as string);
    const leftovers = await docker.listContainers({ all: true, filters: { label: ['nx-bake.pipeline=images'] } });
    expect(leftovers.filter((container) => runs.includes(container.Labels['nx-bake.run']))).toEqual([]);
    expect(runs.every((run) => /^[0-9a-f-]{36}$/.test(run))).toBe(true);
    expect(existsSync(join(workspace.root, 'dist/images/images/app/manifest.json'))).toBe(true);
  });
});
