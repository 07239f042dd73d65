import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startFakeNxCache, type FakeNxCache } from '../../../fake-nx-cache/src';
import {
  buildsOf,
  DOCKER_HOST_B,
  dockerA,
  dockerB,
  dockerLogin,
  manifestFingerprints,
  pullsOf,
  registryTags,
  removeImages,
  removeRepository,
  REGISTRY,
  rewriteTarFile,
  startFleet,
  tarFiles,
  watchEngine,
  type EngineEvent,
} from '../support/fleet';
import { createWorkspace, repoRoot, type TestWorkspace } from '../support/workspace';

/**
 * `nx affected -t bake` on a CI fleet: runner A (the default engine) and runner B (a second, empty engine),
 * each with a fresh clone, sharing Nx's self-hosted remote cache (our fake, checked against the spec) and a
 * registry (Debian's docker-registry, htpasswd). A logs in the Docker way (DOCKER_CONFIG); B passes the
 * credentials as sensitive variables. Everything is counted from each engine's own events.
 */

/** The example pipeline, pushing its images: credentials as sensitive variables (runner B sets them). */
function pushingPipeline(): string {
  const yaml = readFileSync(join(repoRoot, 'pipelines/images/pipeline.yaml'), 'utf8');
  const withVars = yaml.replace(
    'variables:\n',
    'variables:\n  registry_username: { type: string, sensitive: true, default: "" }\n  registry_password: { type: string, sensitive: true, default: "" }\n',
  );
  const withPush = withVars.replace(
    '    repository: "{{ var.repository }}"\n',
    '    repository: "{{ var.repository }}"\n    push: true\n    registry_username: "{{ var.registry_username }}"\n    registry_password: "{{ var.registry_password }}"\n',
  );
  if (withPush === withVars || withVars === yaml) throw new Error('the example pipeline changed: pushingPipeline() needs updating');
  return withPush;
}

interface RunResult {
  status: number | null;
  output: string;
  stdout: string;
  builds: { a: string[]; b: string[] };
  pulls: { a: string[]; b: string[] };
}

const stages = ['images/os-base', 'images/app-base', 'images/app'];

describe('a CI fleet: two runners, one registry, one Nx remote cache', () => {
  const id = randomUUID().slice(0, 8);
  const name = `e2e/fleet-${id}`;
  const repository = `${REGISTRY}/${name}`;
  const cacheToken = `nx-cache-${randomUUID()}`;
  let credentials: { username: string; password: string };
  let cache: FakeNxCache;
  let origin: TestWorkspace;
  const runners: TestWorkspace[] = [];
  const fingerprints = new Set<string>();
  const outputs: string[] = [];
  let dockerConfig: string;

  // Nx 24 shares one local cache among the checkouts of a repository on a machine (~/.nx/<repo>): a runner's
  // own, in its checkout, is what an ephemeral CI runner has.
  const cacheEnv = () => ({
    NX_CACHE_DIRECTORY: '.nx/cache',
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: cacheToken,
    BAKE_VAR_repository: repository,
  });
  const envA = () => ({ ...cacheEnv(), DOCKER_CONFIG: dockerConfig });
  // Runner B: its own engine, no Docker login (an empty DOCKER_CONFIG), credentials as sensitive variables.
  const envB = () => ({ ...cacheEnv(), DOCKER_HOST: DOCKER_HOST_B, DOCKER_CONFIG: join(dockerConfig, 'none'), BAKE_VAR_registry_username: credentials.username, BAKE_VAR_registry_password: credentials.password });

  const clone = (runner: string) => {
    const workspace = createWorkspace({ cloneOf: origin.root, name: `fleet-${runner}` });
    runners.push(workspace);
    return workspace;
  };
  const manifestOf = (workspace: TestWorkspace, stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images/images', stage, 'manifest.json'), 'utf8'));

  /** Runs nx in a runner's clone, watching both engines. */
  async function bake(workspace: TestWorkspace, env: NodeJS.ProcessEnv, args: string[]): Promise<RunResult> {
    const [watchA, watchB] = await Promise.all([watchEngine(dockerA), watchEngine(dockerB)]);
    const result = await workspace.nxAsync([...args, '--output-style=static'], { env });
    outputs.push(result.output);
    const [eventsA, eventsB] = await Promise.all([watchA.stop(), watchB.stop()]);
    for (const fingerprint of manifestFingerprints(workspace.root)) fingerprints.add(fingerprint);
    const count = (events: EngineEvent[]) => ({ builds: buildsOf(events, fingerprints), pulls: pullsOf(events, repository) });
    const [a, b] = [count(eventsA), count(eventsB)];
    return { status: result.status, output: result.output, stdout: result.stdout, builds: { a: a.builds, b: b.builds }, pulls: { a: a.pulls, b: b.pulls } };
  }
  const ok = (run: RunResult) => {
    if (run.status !== 0) throw new Error(`nx failed (${run.status}):\n${run.output.slice(-8000)}`);
  };
  const summary = (run: RunResult) => {
    const start = run.stdout.lastIndexOf('\nnx-bake summary\n');
    return Object.fromEntries(
      run.stdout
        .slice(start)
        .split('\n')
        .slice(2)
        .map((line) => /^ {2}(\S+): (built|adopted|cached|failed)(?: \((.*)\))?$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => [match[1], (match[3] ?? '').startsWith('Nx ') ? 'nx-cache' : match[2]]),
    );
  };
  const all = (outcome: string) => Object.fromEntries(stages.map((stage) => [stage, outcome]));

  beforeAll(async () => {
    credentials = startFleet();
    dockerConfig = dockerLogin(credentials);
    cache = await startFakeNxCache({ tokens: [cacheToken] });
    origin = createWorkspace({
      // docs/ci: the users' CI files call docs/ci/bake-affected.sh from their own checkout.
      copy: ['pipelines', 'apps', 'docs/ci'],
      name: 'fleet-origin',
      files: { 'pipelines/images/pipeline.yaml': pushingPipeline(), '.gitignore': 'node_modules\ndist\n.nx\ntmp\n' },
    });
  });

  afterAll(async () => {
    await removeImages(dockerA, repository, fingerprints);
    await removeImages(dockerB, repository, fingerprints);
    if (credentials) await removeRepository(name, credentials);
    await cache?.stop();
    for (const workspace of [...runners, origin]) workspace?.remove();
    if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
  });

  let runnerA: TestWorkspace;
  let runnerB: TestWorkspace;

  it('runner A bakes the example: three builds on A, each pushed with its repo digest and fingerprint tag', async () => {
    runnerA = clone('a');
    const run = await bake(runnerA, envA(), ['run', 'images:bake']);
    ok(run);
    expect(run.builds).toEqual({ a: [...stages].sort(), b: [] });
    expect(summary(run)).toEqual(all('built'));
    const tags = await registryTags(name, credentials);
    for (const stage of ['os-base', 'app-base', 'app']) {
      const manifest = manifestOf(runnerA, stage);
      const build = manifest.builds[0];
      expect(build.custom_data).toEqual({
        tag: `${repository}:${stage}`,
        repo_digest: expect.stringMatching(new RegExp(`^${repository.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}$`)),
        fingerprint_tag: `${repository}:${stage}-${manifest.fingerprint}`,
      });
      expect(tags).toEqual(expect.arrayContaining([stage, `${stage}-${manifest.fingerprint}`]));
      // The repo digest is what the engine knows the image by.
      expect((await dockerA.getImage(build.artifact_id).inspect()).RepoDigests).toContain(build.custom_data.repo_digest);
    }
    expect(cache.requests().filter((request) => request.method === 'PUT' && request.status === 202).length).toBeGreaterThanOrEqual(3);
  });

  it('runner B (fresh clone, empty engine) bakes with no change: nothing is built or pulled', async () => {
    runnerB = clone('b');
    expect((await dockerB.listImages({ filters: { reference: [repository] } })).length).toBe(0);
    const run = await bake(runnerB, envB(), ['run', 'images:bake']);
    ok(run);
    expect(run.builds).toEqual({ a: [], b: [] });
    expect(run.pulls).toEqual({ a: [], b: [] });
    expect(summary(run)).toEqual(all('nx-cache'));
    expect(manifestOf(runnerB, 'app')).toEqual(manifestOf(runnerA, 'app'));
    // From the remote cache: B's Nx asked for every task A stored and got it.
    const stored = cache.requests().filter((request) => request.method === 'PUT' && request.status === 202).map((request) => request.hash);
    const served = cache.requests().filter((request) => request.method === 'GET' && request.status === 200).map((request) => request.hash);
    expect(new Set(served)).toEqual(new Set(stored));
  });

  it('after an app-only commit, nx affected on B builds only app, on app-base pulled by digest', async () => {
    origin.write('apps/site/src/index.html', readFileSync(join(origin.root, 'apps/site/src/index.html'), 'utf8').replace('</body>', '<p>fleet release two</p>\n</body>'));
    origin.git(['commit', '-q', '-am', 'site: fleet release two']);
    runnerB.git(['pull', '-q', '--ff-only']);
    const run = await bake(runnerB, envB(), ['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD']);
    ok(run);
    expect(run.builds).toEqual({ a: [], b: ['images/app'] });
    const appBase = manifestOf(runnerB, 'app-base').builds[0];
    expect(run.pulls).toEqual({ a: [], b: [appBase.custom_data.repo_digest] });
    expect(summary(run)).toEqual({ 'images/os-base': 'nx-cache', 'images/app-base': 'nx-cache', 'images/app': 'built' });
    const app = manifestOf(runnerB, 'app');
    expect(app.base.artifacts).toEqual({ local: appBase.artifact_id });
    expect(app.builds[0].custom_data.repo_digest).toMatch(/@sha256:/);
    const image = await dockerB.getImage(app.builds[0].artifact_id).inspect();
    expect(image.Config.Labels?.['nx-bake.base']).toBe(appBase.artifact_id);
    // os-base was never needed on B: only app-base's layers came, as app-base.
    expect((await dockerB.listImages({ all: true, filters: { label: [`nx-bake.stage=os-base`] } })).filter((entry) => fingerprints.has(entry.Labels['nx-bake.fingerprint']))).toEqual([]);
  });

  it('a poisoned remote-cache entry (a digest the registry lacks) is not used as a base: the real app-base is adopted', async () => {
    // The entry Nx stored for app-base's manifest now names a digest the registry does not hold.
    const entries = [...cache.entries()].filter(([, entry]) => tarFiles(entry).has('dist/images/images/app-base/manifest.json'));
    expect(entries.length).toBeGreaterThan(0);
    const poisoned = `sha256:${'0'.repeat(64)}`;
    for (const [hash, entry] of entries) {
      cache.put(hash, rewriteTarFile(entry, 'dist/images/images/app-base/manifest.json', (text) => text.replace(/"repo_digest": "([^"@]+)@sha256:[0-9a-f]{64}"/, `"repo_digest": "$1@${poisoned}"`)));
    }
    origin.write('apps/site/src/index.html', readFileSync(join(origin.root, 'apps/site/src/index.html'), 'utf8').replace('</body>', '<p>fleet release three</p>\n</body>'));
    origin.git(['commit', '-q', '-am', 'site: fleet release three']);
    const runnerC = clone('c');
    const run = await bake(runnerC, envB(), ['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD']);
    ok(run);
    const realAppBase = manifestOf(runnerB, 'app-base').builds[0];
    expect(run.output).toContain(`base images/app-base: recorded artifact ${realAppBase.artifact_id} is gone or does not carry fingerprint`);
    expect(run.output).toContain(`base images/app-base: adopting ${realAppBase.artifact_id}`);
    expect(run.builds).toEqual({ a: [], b: ['images/app'] });
    const app = manifestOf(runnerC, 'app');
    expect(app.base.artifacts).toEqual({ local: realAppBase.artifact_id });
    // The parent's manifest names the real digest again.
    expect(manifestOf(runnerC, 'app-base').builds[0].custom_data.repo_digest).toBe(realAppBase.custom_data.repo_digest);
  });

  /** Runs commands as a CI file would (bash, stop at the first failure), watching both engines. */
  async function runCommands(workspace: TestWorkspace, commands: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
    const [watchA, watchB] = await Promise.all([watchEngine(dockerA), watchEngine(dockerB)]);
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-euo', 'pipefail', '-c', commands.join('\n')], {
        cwd: workspace.root,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    outputs.push(`${result.stdout}\n${result.stderr}`);
    const [eventsA, eventsB] = await Promise.all([watchA.stop(), watchB.stop()]);
    for (const fingerprint of manifestFingerprints(workspace.root)) fingerprints.add(fingerprint);
    return {
      status: result.status,
      stdout: result.stdout,
      output: `${result.stdout}\n${result.stderr}`,
      builds: { a: buildsOf(eventsA, fingerprints), b: buildsOf(eventsB, fingerprints) },
      pulls: { a: pullsOf(eventsA, repository), b: pullsOf(eventsB, repository) },
    };
  }
  const appOnlyCommit = (release: string) => {
    origin.write('apps/site/src/index.html', readFileSync(join(origin.root, 'apps/site/src/index.html'), 'utf8').replace('</body>', `<p>${release}</p>\n</body>`));
    origin.git(['commit', '-q', '-am', `site: ${release}`]);
  };
  // What the CI system gives the job: its settings (the test's registry and cache) and the commits.
  const settings = () => ({ REGISTRY, IMAGES_REPOSITORY: repository, REGISTRY_USERNAME: credentials.username, REGISTRY_PASSWORD: credentials.password, NX_CACHE_URL: cache.url, NX_CACHE_TOKEN: cacheToken });
  // `npm ci` is the one command not run: the test clones link the repository's node_modules.
  const installs = (command: string) => /^npm ci\b/.test(command.trim());

  it('docs/ci/github-actions.yml: its commands, on a fresh clone on runner A after an app-only commit, build only app', async () => {
    appOnlyCommit('fleet release four');
    const workflow = parse(readFileSync(join(repoRoot, 'docs/ci/github-actions.yml'), 'utf8')) as {
      jobs: { bake: { env: Record<string, string>; steps: { uses?: string; run?: string }[] } };
    };
    const job = workflow.jobs.bake;
    const values = settings() as Record<string, string>;
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(job.env).map(([key, value]) => [key, String(value).replace(/\$\{\{\s*(?:vars|secrets)\.(\w+)\s*\}\}/g, (_, name: string) => values[name] ?? '')]));
    const runner = clone('gha');
    const commands: string[] = [];
    for (const step of job.steps) {
      // nrwl/nx-set-shas: NX_BASE is the last commit main baked green (here: the one before), NX_HEAD this one.
      if (step.uses?.startsWith('nrwl/nx-set-shas')) commands.push(`export NX_BASE=${runner.git(['rev-parse', 'HEAD~1'])} NX_HEAD=${runner.git(['rev-parse', 'HEAD'])}`);
      else if (step.run && !installs(step.run)) commands.push(step.run);
    }
    expect(commands).toContain('bash docs/ci/bake-affected.sh');
    const run = await runCommands(runner, commands, { ...env, NX_CACHE_DIRECTORY: '.nx/cache', DOCKER_CONFIG: join(dockerConfig, 'gha') });
    ok(run);
    expect(run.builds).toEqual({ a: ['images/app'], b: [] });
    expect(readFileSync(join(runner.root, 'dist/images/images/app/manifest.json'), 'utf8')).toContain('"repo_digest"');
  });

  it('docs/ci/gitlab-ci.yml: its script, on a fresh clone on runner B after an app-only commit, builds only app', async () => {
    appOnlyCommit('fleet release five');
    const job = (parse(readFileSync(join(repoRoot, 'docs/ci/gitlab-ci.yml'), 'utf8')) as { bake: { variables: Record<string, string | number>; script: string[] } }).bake;
    const values = settings() as Record<string, string>;
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(job.variables).map(([key, value]) => [key, String(value).replace(/\$(\w+)/g, (_, name: string) => values[name] ?? '')]));
    const runner = clone('gitlab');
    const run = await runCommands(runner, job.script.filter((command) => !installs(command)), {
      ...values,
      ...env,
      CI_COMMIT_BEFORE_SHA: runner.git(['rev-parse', 'HEAD~1']),
      CI_COMMIT_SHA: runner.git(['rev-parse', 'HEAD']),
      NX_CACHE_DIRECTORY: '.nx/cache',
      DOCKER_HOST: DOCKER_HOST_B,
      DOCKER_CONFIG: join(dockerConfig, 'gitlab'),
    });
    ok(run);
    expect(run.builds).toEqual({ a: [], b: ['images/app'] });
  });

  it('keeps the registry password out of every output, manifest and cache entry, and Nx spoke the cache protocol as specified', () => {
    for (const output of outputs) expect(output).not.toContain(credentials.password);
    for (const workspace of runners) {
      for (const stage of ['os-base', 'app-base', 'app']) {
        const file = join(workspace.root, 'dist/images/images', stage, 'manifest.json');
        if (existsSync(file)) expect(readFileSync(file, 'utf8')).not.toContain(credentials.password);
      }
    }
    for (const entry of cache.entries().values()) for (const text of tarFiles(entry).values()) expect(text).not.toContain(credentials.password);
    expect(cache.violations()).toEqual([]);
  });
});
