import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DockerBuilder } from '../../src/builders/docker';
import { useBakeFixture } from '../support/bake-fixture';
import { startBake } from '../support/bake-process';
import { removeByLabel } from '../support/docker';
import { dockerA, registryTags, removeRepository, REGISTRY, startFleet } from '../support/fleet';
import { freePort } from '../support/net';
import { localLeaks } from '../reliability/leaks';

/**
 * A push that cannot finish leaves no half-recorded artifact: an unreachable registry, refused credentials and
 * Ctrl-C during the push fail the stage with an error naming the registry, write no manifest and leave no
 * container or temp file; the committed image stays in the engine, and the next bake adopts and pushes it.
 */
const pipeline = `rf${randomUUID().slice(0, 6)}`;
const name = `e2e/${pipeline}`;
const label = `nx-bake.pipeline=${pipeline}`;

const pipelineYaml = `
name: ${pipeline}
variables:
  repository: { type: string }
  registry_username: { type: string, sensitive: true, default: "" }
  registry_password: { type: string, sensitive: true, default: "" }
  version: { type: string, default: "1" }
builders:
  local:
    type: docker
    network: host
    repository: "{{ var.repository }}"
    tag: only
    push: true
    registry_username: "{{ var.registry_username }}"
    registry_password: "{{ var.registry_password }}"
stages:
  - name: only
    from: { image: nx-bake/debian:bookworm }
    retain: { count: 1 }
    provisioners:
      - { type: shell, inline: ["head -c 30000000 /dev/urandom > /var/tmp/payload", "echo baked {{ var.version }} > /etc/nx-bake-faults"] }
`;

describe('registry faults during a push', () => {
  const fixture = useBakeFixture({ name: 'registry-faults', files: { [`${pipeline}/pipeline.yaml`]: pipelineYaml, [`${pipeline}/only/README.md`]: 'only\n' } });
  let credentials: { username: string; password: string };
  const manifestFile = () => join(fixture.workspace.root, 'dist/images', pipeline, 'only/manifest.json');
  const localImages = async () => (await dockerA.listImages({ all: true, filters: { label: [label] } })).map((image) => image.Id);
  const bake = (env: NodeJS.ProcessEnv) =>
    fixture.workspace.nxAsync(['run', `${pipeline}-only:bake`, '--skip-nx-cache', '--output-style=static'], { env: fixture.env({ DOCKER_CONFIG: join(fixture.tmp, 'no-docker-config'), ...env }) });

  beforeAll(() => {
    credentials = startFleet();
  });
  afterAll(async () => {
    await removeByLabel(label);
    if (credentials) await removeRepository(name, credentials);
  });

  it('an unreachable registry: a clear error naming it, before anything is built; no manifest, nothing left', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const result = await bake({ BAKE_VAR_repository: `${closed}/${name}` });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`registry ${closed} is unreachable`);
    expect(existsSync(manifestFile())).toBe(false);
    expect(await localLeaks({ workspace: fixture.workspace, tmp: fixture.tmp, pipeline })).toEqual([]);
    expect(await localImages()).toHaveLength(0);
  });

  it('a push the registry fails after the commit: an error naming it, no manifest, no container; the image stays', async () => {
    // A registry that answers lookups (nothing there) but refuses every upload, as a full quota would (403: the engine does not retry it).
    const failing = createServer((req, res) => {
      req.resume();
      const headers = { 'docker-distribution-api-version': 'registry/2.0', 'content-type': 'application/json' };
      if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
        res.writeHead(403, headers).end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'storage quota exceeded' }] }));
      } else if (req.url === '/v2/' || req.url === '/v2') res.writeHead(200, headers).end('{}');
      else res.writeHead(404, headers).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'unknown' }] }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(failing.address() as AddressInfo).port}`;
    try {
      const result = await bake({ BAKE_VAR_repository: `${host}/${name}` });
      expect(result.status).not.toBe(0);
      expect(result.output).toContain(`registry ${host}: pushing ${host}/${name}:only failed`);
      expect(existsSync(manifestFile())).toBe(false);
      expect(await localLeaks({ workspace: fixture.workspace, tmp: fixture.tmp, pipeline })).toEqual([]);
      expect((await dockerA.listImages({ filters: { label: [label], reference: [`${host}/${name}`] } })).length).toBe(1);
    } finally {
      failing.closeAllConnections();
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  it('refused credentials: a clear error naming the registry; with credentials the stage builds and is pushed', async () => {
    const repository = `${REGISTRY}/${name}`;
    const refused = await bake({ BAKE_VAR_repository: repository });
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain(`registry ${REGISTRY}: reading the manifest ${name}:only-`);
    expect(refused.output).toContain('401');
    expect(existsSync(manifestFile())).toBe(false);
    expect(await localLeaks({ workspace: fixture.workspace, tmp: fixture.tmp, pipeline })).toEqual([]);

    const retried = await bake({ BAKE_VAR_repository: repository, BAKE_VAR_registry_username: credentials.username, BAKE_VAR_registry_password: credentials.password });
    if (retried.status !== 0) throw new Error(retried.output.slice(-6000));
    expect(retried.output).toContain(`nx-bake: ${pipeline}/only built`);
    expect(retried.output).not.toContain(credentials.password);
    const manifest = JSON.parse(readFileSync(manifestFile(), 'utf8'));
    expect(manifest.builds[0].custom_data.repo_digest).toMatch(new RegExp(`^${repository.replace(/\./g, '\\.')}@sha256:`));
    expect(await registryTags(name, credentials)).toEqual(['only', `only-${manifest.fingerprint}`].sort());
  });

  it('gc knows what the project pushed: an image only the registry holds is listed, and deleted there by digest', async () => {
    const repository = `${REGISTRY}/${name}`;
    const config = { type: 'docker', repository, tag: 'only', push: true, registry_username: credentials.username, registry_password: credentials.password };
    const manifest = JSON.parse(readFileSync(manifestFile(), 'utf8'));
    const id = manifest.builds[0].artifact_id as string;
    // As on a runner that did not build it: the engine does not have it.
    await dockerA.getImage(id).remove({ force: true });
    const builder = new DockerBuilder();
    const listed = (await builder.listArtifacts(config)).filter((artifact) => artifact.fingerprint === manifest.fingerprint);
    expect(listed).toEqual([expect.objectContaining({ id, stage: 'only', fingerprint: manifest.fingerprint, name: manifest.builds[0].custom_data.repo_digest })]);
    expect(listed[0].createdAt.getTime()).toBeGreaterThan(Date.now() - 3600_000);
    await builder.deleteArtifact(id, config);
    expect(await registryTags(name, credentials)).toEqual([]);
    expect((await builder.listArtifacts(config)).filter((artifact) => artifact.fingerprint === manifest.fingerprint)).toEqual([]);
  });

  it('nx run <pipeline>:gc --apply on images only the registry holds: the one beyond retain goes, by digest; the recorded one stays', async () => {
    const repository = `${REGISTRY}/${name}`;
    const withCredentials = { BAKE_VAR_repository: repository, BAKE_VAR_registry_username: credentials.username, BAKE_VAR_registry_password: credentials.password };
    const built: { id: string; fingerprint: string; digest: string }[] = [];
    for (const version of ['2', '3']) {
      const result = await bake({ ...withCredentials, BAKE_VAR_version: version });
      if (result.status !== 0) throw new Error(result.output.slice(-6000));
      const manifest = JSON.parse(readFileSync(manifestFile(), 'utf8'));
      built.push({ id: manifest.builds[0].artifact_id, fingerprint: manifest.fingerprint, digest: manifest.builds[0].custom_data.repo_digest.split('@')[1] });
    }
    // As on a runner that built neither: only the registry holds them.
    for (const { id } of built) await dockerA.getImage(id).remove({ force: true });
    const gc = await fixture.workspace.nxAsync(['run', `${pipeline}:gc`, '--apply', '--output-style=static'], { env: fixture.env({ DOCKER_CONFIG: join(fixture.tmp, 'no-docker-config'), ...withCredentials }) });
    if (gc.status !== 0) throw new Error(gc.output.slice(-6000));
    expect(gc.stdout).toContain(`${built[0].id} (${repository}@${built[0].digest})`);
    expect(gc.stdout).toMatch(new RegExp(`${built[0].id} \\(.*\\) \\S+: deleting \\(beyond the retain policy\\)`));
    expect(gc.stdout).toMatch(new RegExp(`${built[1].id} \\(.*\\) \\S+: keep`));
    expect(gc.output).not.toContain(credentials.password);
    expect(await registryTags(name, credentials)).toEqual(['only', `only-${built[1].fingerprint}`].sort());
    const status = async (digest: string) => (await fetch(`http://${REGISTRY}/v2/${name}/manifests/${digest}`, { method: 'HEAD', headers: { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` } })).status;
    expect(await status(built[0].digest)).toBe(404);
    expect(await status(built[1].digest)).toBe(200);
  });

  // The step is held at its start (NX_BAKE_TEST_PAUSE_BEFORE): a push to a loopback registry is over before a signal lands.
  it('Ctrl-C at the push step: the bake stops, no manifest, no container; the image stays for the next bake', async () => {
    const repository = `${REGISTRY}/${name}-interrupted`;
    const run = startBake(fixture.workspace, ['run', `${pipeline}-only:bake`, '--skip-nx-cache', '--output-style=stream'], fixture.env({
      BAKE_VAR_repository: repository,
      BAKE_VAR_registry_username: credentials.username,
      BAKE_VAR_registry_password: credentials.password,
      DOCKER_CONFIG: join(fixture.tmp, 'no-docker-config'),
      NX_BAKE_TEST_PAUSE_BEFORE: 'push-image',
    }));
    const { code } = await run.interruptAt(/paused before push-image/, 'SIGINT', 60_000);
    expect(code).not.toBe(0);
    expect(run.output()).not.toMatch(/nx-bake: \S+ built/);
    expect(existsSync(manifestFile())).toBe(false);
    expect(await localLeaks({ workspace: fixture.workspace, tmp: fixture.tmp, pipeline })).toEqual([]);
    expect((await dockerA.listImages({ filters: { label: [label], reference: [repository] } })).length).toBe(1);
    await removeRepository(`${name}-interrupted`, credentials);
  });
});
