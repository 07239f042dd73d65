/**
 * The plugin as a user installs it: the tarball `npm pack` makes of packages/nx-bake, installed with
 * nothing but `nx` of each tested major into a new folder, then what a new user runs there: `nx g
 * nx-bake:init`, `nx show projects`, `npx nx-bake validate`, and a bake of the starter pipeline against
 * the local base image. The npm registry is needed (npm's own cache makes a rerun fast).
 *
 * Needs the build (`npm test` builds first) and the image scripts/make-base-image.sh makes.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, removeByLabel, runInImage } from '../support/docker';
import { repoRoot } from '../support/workspace';
import { BASE_IMAGE } from '../support/base-image';

/** The Nx majors the package's peer range promises, each tested here. */
const TESTED_NX_MAJORS = [23, 24];
const PACKAGE = join(repoRoot, 'packages', 'nx-bake');

/**
 * The environment of every command: the caller's, without what `npm test` says about the repository
 * (`npm_package_*`, `npm_config_local_prefix`, …: these commands run in another workspace), without
 * variables and Nx locations of the caller's workspace, and without prompts or a daemon.
 */
function commandEnv(): NodeJS.ProcessEnv {
  const kept = /^npm_config_(cache|registry|userconfig|globalconfig|cafile|(https?_|no)proxy)$/i;
  const dropped = /^(npm_|INIT_CWD$|BAKE_VAR_|NX_(WORKSPACE_ROOT_PATH|WORKSPACE_DATA_DIRECTORY|CACHE_DIRECTORY|PROJECT_GRAPH_CACHE_DIRECTORY)$)/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => kept.test(name) || !dropped.test(name)));
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };
}

/** Colours off (Nx colours even in CI when jest forces colour). */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function run(cwd: string, command: string, args: string[], timeoutMs = 300_000) {
  const result = spawnSync(command, args, { cwd, env: commandEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const [stdout, stderr] = [plain(result.stdout ?? ''), plain(result.stderr ?? '')];
  return { status: result.status, stdout, stderr, output: `${stdout}\n${stderr}` };
}

/** Runs a command that must succeed; its output in the error otherwise. */
function mustRun(cwd: string, command: string, args: string[], timeoutMs?: number): string {
  const result = run(cwd, command, args, timeoutMs);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.output.slice(-4000)}`);
  return result.stdout;
}

let packDir: string;
let tarball: string;

beforeAll(async () => {
  if (!existsSync(join(PACKAGE, 'dist', 'cli', 'main.js'))) throw new Error('packages/nx-bake/dist is missing: run npm run build first');
  await docker
    .getImage(BASE_IMAGE)
    .inspect()
    .catch(() => {
      throw new Error(`the base image ${BASE_IMAGE} is missing: run scripts/make-base-image.sh`);
    });
  packDir = mkdtempSync(join(tmpdir(), 'nx-bake-pack-'));
  const [packed] = JSON.parse(mustRun(PACKAGE, 'npm', ['pack', '--json', '--pack-destination', packDir])) as { filename: string }[];
  tarball = join(packDir, packed.filename);
});

afterAll(() => {
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

describe('the package manifest', () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));

  it('promises exactly the Nx majors tested here, and needs no @nx/devkit', () => {
    const range = `>=${Math.min(...TESTED_NX_MAJORS)}.0.0 <${Math.max(...TESTED_NX_MAJORS) + 1}.0.0`;
    expect(manifest.peerDependencies).toEqual({ nx: range, '@nx/devkit': range });
    expect(manifest.peerDependenciesMeta).toEqual({ '@nx/devkit': { optional: true } });
    expect(manifest.dependencies.nx).toBeUndefined();
    expect(manifest.dependencies['@nx/devkit']).toBeUndefined();
  });

  it('packs the bin, the build and the schema, not the build info', () => {
    const files = (JSON.parse(mustRun(PACKAGE, 'npm', ['pack', '--dry-run', '--json']))[0].files as { path: string }[]).map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['bin/nx-bake.js', 'dist/index.js', 'dist/cli/main.js', 'schema/pipeline.schema.json', 'executors.json', 'generators.json']));
    expect(files).not.toContain('dist/.tsbuildinfo');
    expect(files.filter((file) => file.startsWith('src/') && !file.endsWith('schema.json'))).toEqual([]);
  });
});

describe.each(TESTED_NX_MAJORS)('the packed plugin in a new workspace with nx@%i only', (major) => {
  // A pipeline (and so an image repository and label) of its own: another run on this Docker engine is left alone.
  const name = `packed-nx${major}-${randomBytes(3).toString('hex')}`;
  const file = `pipelines/${name}/pipeline.yaml`;
  let root: string;
  const nx = (args: string[]) => run(root, 'npx', ['nx', ...args]);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), `nx-bake-packed-nx${major}-`));
    mustRun(root, 'npm', ['init', '-y']);
    mustRun(root, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `nx@${major}`, tarball], 600_000);
    writeFileSync(join(root, 'nx.json'), '{}\n');
  });

  afterAll(async () => {
    await removeByLabel(`nx-bake.pipeline=${name}`);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(`has nx ${major} and no @nx/devkit`, () => {
    expect(JSON.parse(readFileSync(join(root, 'node_modules', 'nx', 'package.json'), 'utf8')).version).toMatch(new RegExp(`^${major}\\.`));
    expect(existsSync(join(root, 'node_modules', '@nx', 'devkit'))).toBe(false);
  });

  it('takes every Nx value from its fast path, the generator helpers from nx/src/devkit-exports', () => {
    const sources = JSON.parse(mustRun(root, 'node', ['-e', "process.stdout.write(JSON.stringify(require('nx-bake/dist/nx/nx-internals').nxSources()))"]));
    expect(sources).toEqual({
      hashArray: 'nx/src/hasher/file-hasher',
      createNodesFromFiles: 'nx/src/project-graph/plugins/utils',
      readJsonFile: 'nx/src/utils/fileutils',
      writeJsonFile: 'nx/src/utils/fileutils',
      getOutputsForTargetAndConfiguration: 'nx/src/tasks-runner/utils',
      readCachedProjectGraph: 'nx/src/project-graph/project-graph',
      createProjectGraphAsync: 'nx/src/project-graph/project-graph',
      readNxJson: 'nx/src/devkit-exports',
      updateNxJson: 'nx/src/devkit-exports',
      workspaceDataDirectory: 'nx/src/utils/cache-directory',
      emitPluginWorkerLog: 'nx/src/project-graph/plugins/isolation/worker-streaming',
    });
  });

  it('nx g nx-bake:init registers the plugin, writes the starter pipeline, ignores .nx/ and dist/', () => {
    const init = nx(['g', 'nx-bake:init', `--name=${name}`, `--baseImage=${BASE_IMAGE}`, '--no-interactive']);
    expect(init.output).toContain(`CREATE ${file}`);
    expect(init.status).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')).plugins).toEqual([{ plugin: 'nx-bake', options: {} }]);
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('.nx/\ndist/\n');
  });

  it('nx show projects lists the pipeline and its stage', () => {
    const projects = nx(['show', 'projects', '--json']);
    expect(projects.status).toBe(0);
    expect(JSON.parse(projects.stdout).sort()).toEqual([name, `${name}-base`]);
  });

  it('npx nx-bake validate passes the starter pipeline', () => {
    expect(run(root, 'npx', ['nx-bake', 'validate', file])).toMatchObject({
      status: 0,
      stdout: `${file}: pipeline ${name} is valid (1 stage)\n`,
      stderr: '',
    });
  });

  it('bakes the starter pipeline against the local base image', async () => {
    const bake = nx(['run', `${name}:bake`]);
    expect(bake.output).toContain(`${name}/base: built`);
    expect(bake.status).toBe(0);
    const manifestFile = join(root, 'dist', 'images', name, 'base', 'manifest.json');
    expect(existsSync(manifestFile)).toBe(true);
    const [build] = JSON.parse(readFileSync(manifestFile, 'utf8')).builds;
    expect(build).toMatchObject({ name: 'local', builder_type: 'docker', custom_data: { tag: `${name}:base` } });
    const image = await docker.getImage(build.artifact_id).inspect();
    expect(image.Config.Labels).toMatchObject({ 'nx-bake.pipeline': name, 'nx-bake.stage': 'base' });
    // The starter's script ran in the build.
    expect(await runInImage(build.artifact_id, ['cat', '/etc/nx-bake-release'])).toMatch(/^baked by nx-bake at \d{4}-\d\d-\d\dT/);
  });
});
