/**
 * Whole docker builds against the real engine and the real ansible-playbook: a container from
 * nx-bake/debian:bookworm (host networking), provisioned, committed, tagged, and always cleaned up.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import nunjucks from 'nunjucks';
import type { BuildRequest, BuildState } from '../../src/builders/builder';
import { DockerBuilder, findImageByLabels, imageExists } from '../../src/builders/docker';
import { keepsInstance } from '../../src/engine/build-one';
import { InterruptedError, runSteps } from '../../src/steps/run-steps';
import type { StageLogger } from '../../src/progress/stage-logger';
import type { ProvisionerConfig } from '../../src/pipeline/types';
import { runProvisioner } from '../../src/provisioners';

import { BASE_IMAGE } from '../support/base-image';
const RUN_ID = `itest-${process.pid}-${Date.now()}`;
const REPOSITORY = 'nx-bake-test/docker-builder';
const docker = new Docker();
/** Every image a build made, oldest first: removed newest first, since children block their parents' removal. */
const builtImages: string[] = [];
let pipelineDir: string;
let tempDir: string;

interface TestLogger extends StageLogger {
  text(): string;
}

function testLogger(): TestLogger {
  const lines: string[] = [];
  return {
    info: (message) => lines.push(`[info] ${message}`),
    warn: (message) => lines.push(`[warn] ${message}`),
    output: (_stream, chunk) => lines.push(chunk.toString()),
    flush: () => undefined,
    text: () => lines.join('\n'),
  };
}

interface BuildOptions {
  stage: string;
  provisioners?: ProvisionerConfig[];
  config?: Record<string, unknown>;
  baseImage?: string;
  onError?: BuildRequest['onError'];
  signal?: AbortSignal;
  builder?: DockerBuilder;
}

function labelsOf(stage: string): Record<string, string> {
  return {
    'nx-bake.pipeline': 'itest',
    'nx-bake.stage': stage,
    'nx-bake.builder': 'local',
    'nx-bake.fingerprint': `fp-${stage}-${RUN_ID}`,
    'nx-bake.base': BASE_IMAGE,
    'nx-bake.run': RUN_ID,
  };
}

/** Runs one build through runSteps, as the engine does; resolves with the state and log even when it failed. */
async function build(options: BuildOptions): Promise<{ state: BuildState; log: TestLogger; error?: Error; ms: number }> {
  const log = testLogger();
  const state: BuildState = {};
  const request: BuildRequest = {
    pipeline: 'itest',
    stage: options.stage,
    builderName: 'local',
    config: { type: 'docker', network: 'host', ...options.config },
    baseImage: options.baseImage ?? BASE_IMAGE,
    labels: labelsOf(options.stage),
    runId: RUN_ID,
    onError: options.onError ?? 'cleanup',
    provision: async (communicator, signal) => {
      for (const provisioner of options.provisioners ?? []) {
        await runProvisioner(provisioner, {
          communicator,
          log,
          signal,
          pipelineDir,
          workspaceRoot: pipelineDir,
          builderName: 'local',
          builderType: 'docker',
          tempDir,
          renderFile: (path) => nunjucks.renderString(readFileSync(resolve(pipelineDir, path), 'utf8'), { stage: { name: options.stage } }),
        });
      }
    },
  };
  const started = Date.now();
  let error: Error | undefined;
  try {
    await runSteps((options.builder ?? new DockerBuilder(docker)).steps(request), state, { signal: options.signal ?? new AbortController().signal, log }, {
      beforeCleanup: (outcome) => (state.keepInstance = keepsInstance(outcome, request.onError)),
    });
  } catch (caught) {
    error = caught as Error;
  }
  if (state.artifact) builtImages.push(state.artifact.id);
  return { state, log, error, ms: Date.now() - started };
}

async function containersOfThisRun(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`nx-bake.run=${RUN_ID}`] } });
}

/** `docker run --rm` of an image, through the CLI as a user would; returns stdout. */
function runImage(image: string, ...command: string[]): string {
  return execFileSync('docker', ['run', '--rm', '--network', 'host', image, ...command]).toString();
}

function varsFilesLeft(): string[] {
  return readdirSync(tempDir).filter((name) => name.startsWith('extra-vars'));
}

function write(relative: string, content: string, mode = 0o644): void {
  const path = join(pipelineDir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

beforeAll(() => {
  pipelineDir = mkdtempSync(join(tmpdir(), 'nx-bake-docker-builder-'));
  tempDir = mkdtempSync(join(tmpdir(), 'nx-bake-docker-builder-tmp-'));
  write('scripts/setup.sh', '#!/bin/sh\nset -e\necho "setup ran for $APP_ENV" > /etc/setup-marker\n');
  write('files/hello', '#!/bin/sh\necho "hello from $GREETING_WORD"\n', 0o755);
  write('files/site/index.html', '<h1>site</h1>\n');
  write('files/site/css/app.css', 'body{}\n');
  write(
    'ansible/playbook.yml',
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - user: { name: "{{ app_user }}", shell: /bin/sh }',
      '    - copy:',
      '        dest: "/home/{{ app_user }}/greeting"',
      '        content: "{{ greeting }} / {{ stage_from_template }}\\n"',
      '        owner: "{{ app_user }}"',
    ].join('\n'),
  );
  write('ansible/vars.yml.njk', 'stage_from_template: "{{ stage.name }}"\ngreeting: overridden-by-vars\n');
  write('ansible/failing.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "echo about to fail; exit 3"\n');
});

afterAll(async () => {
  for (const container of await containersOfThisRun()) await docker.getContainer(container.Id).remove({ force: true });
  for (const id of [...builtImages].reverse()) await docker.getImage(id).remove({ force: true }).catch(() => undefined);
  const leftovers = await docker.listImages({ filters: { label: [`nx-bake.run=${RUN_ID}`] } });
  for (const image of leftovers) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  rmSync(pipelineDir, { recursive: true, force: true });
  rmSync(tempDir, { recursive: true, force: true });
});

describe('DockerBuilder', () => {
  it('bakes an image with shell, file and ansible provisioners, labels, changes and a tag', async () => {
    const tag = `full-${process.pid}`;
    const { state, log, error } = await build({
      stage: 'full',
      config: {
        repository: REPOSITORY,
        tag,
        labels: { team: 'platform' },
        env: { BUILD_ONLY: 'build-time-value' },
        changes: ['CMD ["/usr/local/bin/hello"]', 'ENV GREETING_WORD=image', 'EXPOSE 8080', 'WORKDIR /srv', 'LABEL extra=from-change'],
      },
      provisioners: [
        { type: 'shell', environment_vars: ['APP_ENV=prod', "QUOTE=it's"], inline: ['echo "$APP_ENV $QUOTE $BUILD_ONLY" > /etc/inline-marker'] },
        { type: 'shell', script: 'scripts/setup.sh', environment_vars: ['APP_ENV=staging'] },
        { type: 'file', source: 'files/hello', destination: '/usr/local/bin/hello' },
        { type: 'file', source: 'files/site', destination: '/srv/nested' },
        { type: 'file', source: 'files/site/', destination: '/srv/flat' },
        { type: 'file', content: 'inline content\n', destination: '/etc/nx-content' },
        { type: 'file', direction: 'download', source: '/etc/inline-marker', destination: 'downloaded/' },
        { type: 'ansible', playbook: 'ansible/playbook.yml', vars: { app_user: 'appuser', greeting: 'hi-from-vars' }, vars_template: 'ansible/vars.yml.njk' },
      ],
    });
    expect(error).toBeUndefined();
    expect(state.artifact).toEqual({
      builderName: 'local',
      builderType: 'docker',
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      files: [],
      customData: { tag: `${REPOSITORY}:${tag}` },
    });
    expect(log.text()).toContain('setup.sh');

    const image = await docker.getImage(state.artifact!.id).inspect();
    expect(image.RepoTags).toContain(`${REPOSITORY}:${tag}`);
    expect(image.Config.Labels).toMatchObject({ ...labelsOf('full'), team: 'platform', extra: 'from-change' });
    expect(image.Config.Cmd).toEqual(['/usr/local/bin/hello']);
    expect(image.Config.Entrypoint ?? []).toEqual([]);
    expect(image.Config.Env).toContain('GREETING_WORD=image');
    // Build-time env reaches the provisioners but is not baked into the image.
    expect(image.Config.Env.some((entry) => entry.startsWith('BUILD_ONLY='))).toBe(false);
    expect(Object.keys(image.Config.ExposedPorts ?? {})).toEqual(['8080/tcp']);
    expect(image.Config.WorkingDir).toBe('/srv');

    // The image runs its own CMD, not the build's keep-alive.
    expect(runImage(state.artifact!.id)).toBe('hello from image\n');
    const inside = runImage(
      `${REPOSITORY}:${tag}`,
      'sh',
      '-c',
      'cat /etc/inline-marker /etc/setup-marker /etc/nx-content /home/appuser/greeting; stat -c %U /home/appuser/greeting; find /srv -type f | sort',
    );
    expect(inside).toBe(
      [
        "prod it's build-time-value",
        'setup ran for staging',
        'inline content',
        'hi-from-vars / full',
        'appuser',
        '/srv/flat/css/app.css',
        '/srv/flat/index.html',
        '/srv/nested/site/css/app.css',
        '/srv/nested/site/index.html',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(pipelineDir, 'downloaded/inline-marker'), 'utf8')).toBe("prod it's build-time-value\n");

    expect(await containersOfThisRun()).toEqual([]);
    expect(varsFilesLeft()).toEqual([]);
    expect((await findImageByLabels(docker, { 'nx-bake.fingerprint': `fp-full-${RUN_ID}` }))?.Id).toBe(state.artifact!.id);
    expect(await findImageByLabels(docker, { 'nx-bake.fingerprint': `fp-none-${RUN_ID}` })).toBeUndefined();
    expect(await imageExists(docker, state.artifact!.id)).toBe(true);
    expect(await imageExists(docker, `sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  it("restores the base image's Entrypoint and Cmd unless changes set them", async () => {
    const base = await docker.getImage(BASE_IMAGE).inspect();
    expect(base.Config.Cmd).toEqual(['/bin/bash']);

    const plain = await build({ stage: 'plain', provisioners: [{ type: 'shell', inline: ['touch /plain'] }] });
    expect(plain.error).toBeUndefined();
    expect(plain.state.artifact!.customData).toEqual({});
    const plainImage = await docker.getImage(plain.state.artifact!.id).inspect();
    expect(plainImage.RepoTags ?? []).toEqual([]);
    expect(plainImage.Config.Cmd).toEqual(['/bin/bash']);
    expect(plainImage.Config.Entrypoint ?? []).toEqual([]);

    const withEntrypoint = await build({ stage: 'entry', baseImage: plain.state.artifact!.id, config: { changes: ['ENTRYPOINT ["/bin/echo", "entry"]'] } });
    expect(withEntrypoint.error).toBeUndefined();
    const entryImage = await docker.getImage(withEntrypoint.state.artifact!.id).inspect();
    expect(entryImage.Config.Entrypoint).toEqual(['/bin/echo', 'entry']);
    // As in a Dockerfile, a new ENTRYPOINT drops the inherited CMD.
    expect(entryImage.Config.Cmd ?? []).toEqual([]);

    const onTop = await build({ stage: 'on-top', baseImage: withEntrypoint.state.artifact!.id, provisioners: [{ type: 'shell', inline: ['touch /on-top'] }] });
    expect(onTop.error).toBeUndefined();
    const onTopImage = await docker.getImage(onTop.state.artifact!.id).inspect();
    expect(onTopImage.Config.Entrypoint).toEqual(['/bin/echo', 'entry']);
    expect(onTopImage.Config.Cmd ?? []).toEqual([]);
    expect(runImage(onTop.state.artifact!.id, 'and', 'args')).toBe('entry and args\n');
    expect(await containersOfThisRun()).toEqual([]);
  });

  it('finds (adopting under the configured tag) and verifies an image by stage and fingerprint', async () => {
    const { state, error } = await build({ stage: 'adoptable' });
    expect(error).toBeUndefined();
    const id = state.artifact!.id;
    const builder = new DockerBuilder(docker);
    const tag = `adopted-${process.pid}`;
    const query = { builderName: 'local', config: { type: 'docker', repository: REPOSITORY, tag }, pipeline: 'itest', stage: 'adoptable', fingerprint: `fp-adoptable-${RUN_ID}` };

    expect(await builder.findArtifact(query)).toEqual({ builderName: 'local', builderType: 'docker', id, files: [], customData: { tag: `${REPOSITORY}:${tag}` } });
    expect((await docker.getImage(id).inspect()).RepoTags).toContain(`${REPOSITORY}:${tag}`);
    expect(await builder.findArtifact({ ...query, fingerprint: 'fp-never-built' })).toBeUndefined();
    // An unrendered config (templates in the tag) still finds the image, it just cannot tag it.
    expect((await builder.findArtifact({ ...query, config: { type: 'docker', repository: REPOSITORY, tag: '{{ stage.name }}' } }))?.customData).toEqual({});

    expect(await builder.verifyArtifact(id, query)).toBe(true);
    expect(await builder.verifyArtifact(id, { ...query, stage: 'full' })).toBe(false);
    expect(await builder.verifyArtifact(id, { ...query, fingerprint: 'fp-other' })).toBe(false);
    expect(await builder.verifyArtifact(`sha256:${'0'.repeat(64)}`, query)).toBe(false);
  });

  it('rejects a failing shell step, leaving no container, no image and no vars file', async () => {
    const before = (await containersOfThisRun()).length;
    const { error, state } = await build({
      stage: 'failing-shell',
      provisioners: [
        { type: 'ansible', playbook: 'ansible/playbook.yml', vars: { app_user: 'u1', greeting: 'g' }, vars_template: 'ansible/vars.yml.njk' },
        { type: 'shell', inline: ['echo "going down"', 'exit 9'] },
      ],
    });
    expect(error?.message).toMatch(/^provision: shell provisioner: inline exited with code 9; last output:\n.*going down/s);
    expect(state.artifact).toBeUndefined();
    expect(state.keepInstance).toBe(false);
    expect((await containersOfThisRun()).length).toBe(before);
    expect(await findImageByLabels(docker, { 'nx-bake.fingerprint': `fp-failing-shell-${RUN_ID}` })).toBeUndefined();
    expect(varsFilesLeft()).toEqual([]);
  });

  it('rejects a failing ansible task, leaving no container and no vars file', async () => {
    const before = (await containersOfThisRun()).length;
    const { error } = await build({ stage: 'failing-ansible', provisioners: [{ type: 'ansible', playbook: 'ansible/failing.yml', vars: { token: 'not-logged' } }] });
    expect(error?.message).toMatch(/ansible-playbook ansible\/failing\.yml exited with code 2; last output:/);
    expect(error?.message).toContain('about to fail');
    expect((await containersOfThisRun()).length).toBe(before);
    expect(varsFilesLeft()).toEqual([]);
  });

  it('rejects within 10 s of an abort during `sleep 60`, removing the container even with onError=abort', async () => {
    const before = (await containersOfThisRun()).length;
    const controller = new AbortController();
    let abortedAt = 0;
    const building = build({ stage: 'aborted', onError: 'abort', signal: controller.signal, provisioners: [{ type: 'shell', inline: ['sleep 60'] }] });
    // Abort once the sleep is running inside the build container.
    const watch = setInterval(async () => {
      const [container] = await containersOfThisRun();
      const top: { Processes?: string[][] } | undefined = container && (await docker.getContainer(container.Id).top().catch(() => undefined));
      if (!abortedAt && top?.Processes?.some((row) => row.join(' ').includes('sleep 60'))) {
        abortedAt = Date.now();
        controller.abort();
      }
    }, 200);
    const { error, state } = await building;
    clearInterval(watch);
    expect(abortedAt).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    expect(state.keepInstance).toBe(false);
    expect((await containersOfThisRun()).length).toBe(before);
    expect(await findImageByLabels(docker, { 'nx-bake.fingerprint': `fp-aborted-${RUN_ID}` })).toBeUndefined();
  });

  it('keeps the failed container with onError=abort and says how to get in', async () => {
    const { error, state, log } = await build({ stage: 'kept', onError: 'abort', provisioners: [{ type: 'shell', inline: ['echo debug-me > /debug', 'exit 1'] }] });
    expect(error?.message).toMatch(/exited with code 1/);
    expect(state.keepInstance).toBe(true);
    const kept = await containersOfThisRun();
    expect(kept).toHaveLength(1);
    expect(kept[0].State).toBe('running');
    expect(log.text()).toContain(`docker exec -it ${kept[0].Id} sh`);
    expect(execFileSync('docker', ['exec', kept[0].Id, 'cat', '/debug']).toString()).toBe('debug-me\n');
    await docker.getContainer(kept[0].Id).remove({ force: true });
  });

  it('names a missing base image, and pulls nothing that is present', async () => {
    const missing = `nx-bake-test/absent-${process.pid}:none`;
    const { error } = await build({ stage: 'missing-base', baseImage: missing });
    expect(error?.message).toBe(`pull-image: base image "${missing}" is not present locally; set "pull: true" on the builder to pull it`);

    const pull = jest.spyOn(docker, 'pull');
    try {
      const { error: presentError } = await build({ stage: 'pull-present', config: { pull: true } });
      expect(presentError).toBeUndefined();
      expect(pull).not.toHaveBeenCalled();
    } finally {
      pull.mockRestore();
    }
    expect(await containersOfThisRun()).toEqual([]);
  });

  it('refuses a bad config before creating anything, naming the field', () => {
    const builder = new DockerBuilder(docker);
    const request = { builderName: 'local', config: { type: 'docker', tag: 'bad tag!' } } as unknown as BuildRequest;
    expect(() => builder.steps(request)).toThrow('builder "local" (docker): "tag" "bad tag!" is not a valid Docker tag');
  });
});
