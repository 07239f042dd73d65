/**
 * A bake with `push: true` publishes its image before its manifest records it (issue #13). Killed in between,
 * it leaves registry tags that another runner could take for an artifact: the run journal records them when
 * the push starts, and `nx run <pipeline>:gc --leaked` deletes them (by digest) once the run is dead. Stopped
 * in between (Ctrl-C), the bake undoes them itself. Neither deletes the fingerprint tag of an older build
 * that the interrupted one found in the registry. Checked through the registry's HTTP API v2.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBakeFixture } from '../support/bake-fixture';
import { startBake } from '../support/bake-process';
import { removeByLabel } from '../support/docker';
import { dockerLogin, registryTags, removeRepository, REGISTRY, startFleet } from '../support/fleet';
import { recordCounts, recordLeaks } from '../support/reliability-counts';
import type { TestWorkspace } from '../support/workspace';
import { localLeaks } from './leaks';

const pipeline = `relreg${randomUUID().slice(0, 6)}`;
const name = `nx-bake-reliability/${pipeline}`;
const label = `nx-bake.pipeline=${pipeline}`;

const journals = (workspace: TestWorkspace) => {
  const dir = join(workspace.root, '.nx', 'nx-bake', 'runs');
  return existsSync(dir) ? readdirSync(dir).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { resources: { kind: string; id: string }[] }) : [];
};

describe('registry tags of a bake that wrote no manifest', () => {
  const fx = useBakeFixture({
    name: 'rel-registry-leaks',
    files: {
      [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
variables:
  version: { type: string, default: "1" }
builders:
  local: { type: docker, network: host, repository: "${REGISTRY}/${name}", tag: only, push: true }
stages:
  - name: only
    from: { image: nx-bake/debian:bookworm }
    provisioners:
      - { type: shell, inline: ["echo {{ var.version }} > /etc/nx-bake-version"] }
`,
      [`pipelines/${pipeline}/only/README.md`]: 'only\n',
    },
  });
  let credentials: { username: string; password: string };
  let env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  beforeAll(() => {
    credentials = startFleet();
    const dockerConfig = dockerLogin(credentials);
    env = (extra = {}) => fx.env({ DOCKER_CONFIG: dockerConfig, ...extra });
  });
  afterEach(async () => {
    await removeByLabel(label);
    await removeRepository(name, credentials);
  });

  const authorization = () => `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  /** The digest the registry holds under a tag (undefined when the tag is not there). */
  const digestOf = async (tag: string) => {
    const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
    const response = await fetch(`http://${REGISTRY}/v2/${name}/manifests/${tag}`, { method: 'HEAD', headers: { authorization: authorization(), accept } });
    return response.ok ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
  };
  const manifestStatus = async (digest: string) => (await fetch(`http://${REGISTRY}/v2/${name}/manifests/${digest}`, { method: 'HEAD', headers: { authorization: authorization() } })).status;
  const holdBeforeManifest = (signal: NodeJS.Signals, extra: string[] = []) => {
    const run = startBake(fx.workspace, ['run', `${pipeline}-only:bake`, '--skip-nx-cache', '--output-style=stream', ...extra], env({ NX_BAKE_TEST_PAUSE_BEFORE: 'manifest' }));
    recordCounts({ interruptsInjected: 1 });
    return run.interruptAt(/paused before manifest/, signal, 60_000);
  };

  it('SIGKILL after the push: the journal records its tags, and gc --leaked deletes them by digest', async () => {
    const { code } = await holdBeforeManifest('SIGKILL');
    expect(code).not.toBe(0);
    // The kill really left the pushed image in the registry, recorded in the dead run's journal.
    const tags = await registryTags(name, credentials);
    expect(tags).toHaveLength(2);
    const digest = (await digestOf('only'))!;
    expect(digest).toMatch(/^sha256:/);
    expect(journals(fx.workspace).flatMap((record) => record.resources.map((resource) => `${resource.kind} ${resource.id}`)).sort()).toEqual(tags.map((tag) => `registry-tag ${REGISTRY}/${name}:${tag}`));

    const sweep = await fx.workspace.nxAsync(['run', `${pipeline}:gc`, '--leaked', '--output-style=static'], { env: env() });
    if (sweep.status !== 0) throw new Error(sweep.output.slice(-4000));
    expect(sweep.stdout).toContain('2 leaked resources');
    expect(sweep.stdout).toContain(`registry-tag ${REGISTRY}/${name}:only: removing (its run`);
    expect(sweep.output).not.toContain(credentials.password);
    expect(await registryTags(name, credentials)).toEqual([]);
    expect(await manifestStatus(digest)).toBe(404);
    expect(journals(fx.workspace)).toEqual([]);
    expect(recordLeaks(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline }))).toEqual([]);
  });

  it('Ctrl-C after the push: the bake itself deletes what it pushed; no tag, no manifest, no journal', async () => {
    const { code } = await holdBeforeManifest('SIGINT');
    expect(code).not.toBe(0);
    const leaks = (await registryTags(name, credentials)).map((tag) => `registry tag ${tag}`);
    leaks.push(...journals(fx.workspace).map(() => 'a run journal'), ...(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline })));
    expect(recordLeaks(leaks)).toEqual([]);
  });

  it("an interrupted rebuild leaves the older build's fingerprint tag, which it did not push", async () => {
    const first = await fx.workspace.nxAsync(['run', `${pipeline}-only:bake`, '--skip-nx-cache', '--output-style=static'], { env: env() });
    if (first.status !== 0) throw new Error(first.output.slice(-4000));
    const fingerprint = JSON.parse(readFileSync(join(fx.workspace.root, 'dist/images', pipeline, 'only/manifest.json'), 'utf8')).fingerprint as string;
    const older = (await digestOf(`only-${fingerprint}`))!;
    expect(older).toBe(await digestOf('only'));

    // --force builds the same fingerprint again: its push moves `only`, and finds the fingerprint tag taken.
    const { code } = await holdBeforeManifest('SIGINT', ['--force']);
    expect(code).not.toBe(0);
    expect(await registryTags(name, credentials)).toEqual([`only-${fingerprint}`]);
    expect(await digestOf(`only-${fingerprint}`)).toBe(older);
    expect(await manifestStatus(older)).toBe(200);
  });
});
