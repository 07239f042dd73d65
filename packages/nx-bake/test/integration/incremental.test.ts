import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, runInImage, watchContainerCreates } from '../support/docker';
import { createWorkspace, type TestWorkspace } from '../support/workspace';
import { BASE_IMAGE } from '../support/base-image';

/**
 * "Rebuild only what changed", against the real Docker engine. Builds are counted from the engine's own
 * container `create` events, not from nx-bake's report; the report (the `nx-bake summary` block) is
 * checked as well, and so is the plan taken right before each bake: it must predict every stage's outcome.
 */

type Outcome = 'built' | 'adopted' | 'cached';

interface StageReport {
  outcome: Outcome | 'failed';
  /** `nx` when Nx restored the task from its cache (the executor did not run). */
  by: 'nx' | 'executor';
  detail: string;
}

interface BakeRun {
  status: number | null;
  output: string;
  /** `<pipeline>/<stage>` of every build container the engine created during the run, sorted. */
  builds: string[];
  /** The `nx-bake summary` block, by `<pipeline>/<stage>`. */
  outcomes: Record<string, StageReport>;
  /** What `plan` predicted right before, by `<pipeline>/<stage>`. */
  planned: Record<string, Outcome>;
}

/** One workspace's bakes: images it made are recognised by the repository they are tagged into. */
class Baker {
  /** Fingerprint labels of every image ever tagged into this repository: what this workspace built. */
  private readonly fingerprints = new Set<string>();
  private runs = 0;

  constructor(
    private readonly workspace: TestWorkspace,
    private readonly options: { repository: string; pipelines: string[]; env?: NodeJS.ProcessEnv },
  ) {}

  /** Plans every pipeline, runs `nx <args>`, and reads back what the engine built and what nx-bake reported. */
  async bakeAndCount(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<BakeRun> {
    const env = { ...this.options.env, BAKE_VAR_repository: this.options.repository, ...options.env };
    const planned = this.plan(env);
    const watches = await Promise.all(this.options.pipelines.map((pipeline) => watchContainerCreates(`nx-bake.pipeline=${pipeline}`)));
    const result = await this.workspace.nxAsync([...args, '--output-style=static'], { env });
    const events = (await Promise.all(watches.map((watch) => watch.stop()))).flat();
    await this.learnFingerprints();
    // Another workspace on the same engine may bake a pipeline of the same name: only our fingerprints count.
    const builds = events
      .filter((event) => this.fingerprints.has(event.attributes['nx-bake.fingerprint']))
      .map((event) => `${event.attributes['nx-bake.pipeline']}/${event.attributes['nx-bake.stage']}`)
      .sort();
    return { status: result.status, output: result.output, builds, outcomes: parseSummary(result.stdout), planned };
  }

  /** `plan --outputFile` for each pipeline; a stage planned twice (a shared base) must be predicted the same. */
  private plan(env: NodeJS.ProcessEnv): Record<string, Outcome> {
    const planned: Record<string, Outcome> = {};
    for (const pipeline of this.options.pipelines) {
      const file = `tmp/plan-${++this.runs}-${pipeline}.json`;
      const result = this.workspace.nx(['run', `${pipeline}:plan`, `--outputFile=${file}`, '--output-style=static'], { env });
      if (result.status !== 0) throw new Error(`plan of ${pipeline} failed:\n${result.output.slice(-4000)}`);
      const entries = JSON.parse(readFileSync(join(this.workspace.root, file), 'utf8')) as { pipeline: string; stage: string; outcome: Outcome }[];
      for (const entry of entries) {
        const key = `${entry.pipeline}/${entry.stage}`;
        if (planned[key] && planned[key] !== entry.outcome) throw new Error(`${key} planned both ${planned[key]} and ${entry.outcome}`);
        planned[key] = entry.outcome;
      }
    }
    return planned;
  }

  private async learnFingerprints(): Promise<void> {
    for (const image of await docker.listImages({ filters: { reference: [this.options.repository] } })) {
      const fingerprint = image.Labels?.['nx-bake.fingerprint'];
      if (fingerprint) this.fingerprints.add(fingerprint);
    }
  }

  /** Removes every image this workspace built (children before their parents). */
  async cleanUp(): Promise<void> {
    await this.learnFingerprints();
    const ids = new Set<string>();
    for (const fingerprint of this.fingerprints) {
      for (const image of await docker.listImages({ all: true, filters: { label: [`nx-bake.fingerprint=${fingerprint}`] } })) ids.add(image.Id);
    }
    for (const image of await docker.listImages({ filters: { reference: [this.options.repository] } })) ids.add(image.Id);
    let left = [...ids];
    while (left.length) {
      const failed: string[] = [];
      for (const id of left) {
        await docker
          .getImage(id)
          .remove({ force: true })
          .catch((error: { statusCode?: number }) => error.statusCode !== 404 && failed.push(id));
      }
      if (failed.length === left.length) throw new Error(`could not remove images ${failed.join(', ')}`);
      left = failed;
    }
  }
}

/** `  images/app: built (file:…)` lines of the block the plugin prints after each Nx run. */
function parseSummary(stdout: string): Record<string, StageReport> {
  const start = stdout.lastIndexOf('\nnx-bake summary\n');
  if (start < 0) return {};
  const outcomes: Record<string, StageReport> = {};
  for (const line of stdout.slice(start).split('\n').slice(2)) {
    const match = /^ {2}(\S+): (built|adopted|cached|failed)(?: \((.*)\))?$/.exec(line);
    if (!match) break;
    const detail = match[3] ?? '';
    outcomes[match[1]] = { outcome: match[2] as StageReport['outcome'], by: detail.startsWith('Nx ') ? 'nx' : 'executor', detail };
  }
  return outcomes;
}

/**
 * The run succeeded; the engine created exactly the expected build containers; the summary reports the
 * expected outcome for each stage; and the plan taken right before predicted each of those outcomes.
 */
function expectRun(run: BakeRun, expected: { builds: string[]; outcomes: Record<string, Outcome | 'nx-cache'> }): void {
  if (run.status !== 0) throw new Error(`nx failed (${run.status}):\n${run.output.slice(-8000)}`);
  const context = `\n--- output ---\n${run.output.slice(-6000)}`;
  expect({ builds: run.builds, context }).toEqual({ builds: [...expected.builds].sort(), context });
  const reported = Object.fromEntries(Object.entries(run.outcomes).map(([stage, report]) => [stage, report.by === 'nx' ? 'nx-cache' : report.outcome]));
  expect({ reported, context }).toEqual({ reported: expected.outcomes, context });
  // A stage whose executor ran printed its own outcome line, which the summary repeats.
  for (const [stage, report] of Object.entries(run.outcomes)) {
    if (report.by === 'executor') expect(run.output).toContain(`nx-bake: ${stage} ${report.outcome}${report.detail ? ` (${report.detail})` : ''}\n`);
  }
  // Stage by stage: a bake reports what the plan said it would do (an Nx cache hit is the plan's `cached`).
  const predicted = Object.fromEntries(Object.keys(run.outcomes).map((stage) => [stage, run.planned[stage]]));
  const actual = Object.fromEntries(Object.entries(run.outcomes).map(([stage, report]) => [stage, report.outcome]));
  expect({ predicted }).toEqual({ predicted: actual });
}

const imageLabels = async (reference: string) => (await docker.getImage(reference).inspect()).Config.Labels ?? {};

describe('rebuild only what changed: the example pipeline', () => {
  const repository = `nx-bake-e2e/incremental-${randomUUID().slice(0, 8)}`;
  const stages = ['images/os-base', 'images/app-base', 'images/app'];
  const all = (outcome: Outcome | 'nx-cache') => Object.fromEntries(stages.map((stage) => [stage, outcome]));
  let workspace: TestWorkspace;
  let baker: Baker;

  const commit = (message: string) => {
    workspace.git(['add', '-A']);
    workspace.git(['commit', '-q', '-m', message]);
  };
  const edit = (path: string, change: (text: string) => string) => {
    const file = join(workspace.root, path);
    const before = readFileSync(file, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`edit of ${path} changed nothing`);
    writeFileSync(file, after);
  };
  const affected = () => baker.bakeAndCount(['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD']);

  beforeAll(() => {
    workspace = createWorkspace({
      copy: ['pipelines', 'apps'],
      name: 'incremental',
      files: {
        // An unrelated project: a change to it must bake nothing.
        'apps/other/package.json': JSON.stringify({ name: 'other', version: '0.0.0', private: true }, null, 2),
        'apps/other/index.js': '// An unrelated project.\nmodule.exports = 42;\n',
        // Plans are written under tmp/.
        '.gitignore': 'node_modules\ndist\n.nx\ntmp\n',
      },
    });
    baker = new Baker(workspace, { repository, pipelines: ['images'], env: { BAKE_VAR_deploy_token: 'first-token' } });
  });

  afterAll(async () => {
    await baker?.cleanUp();
    workspace?.remove();
  });

  it('1. a fresh workspace builds all three stages', async () => {
    const run = await baker.bakeAndCount(['run', 'images:bake']);
    expectRun(run, { builds: stages, outcomes: all('built') });
    expect(run.outcomes['images/os-base'].detail).toBe('no previous build');
    // The sensitive variable is no fingerprint input; the repository (non-sensitive) is.
    const manifest = JSON.parse(readFileSync(join(workspace.root, 'dist/images/images/app/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.fingerprint_inputs)).toEqual(expect.arrayContaining(['var:repository', 'var:web_root']));
    expect(Object.keys(manifest.fingerprint_inputs)).not.toContain('var:deploy_token');
  });

  it('2. baking again builds nothing: Nx restores all three from its cache', async () => {
    expectRun(await baker.bakeAndCount(['run', 'images:bake']), { builds: [], outcomes: all('nx-cache') });
  });

  it('3. after nx reset, the manifests in dist/ are current: nothing is built', async () => {
    expect(workspace.nx(['reset']).status).toBe(0);
    const run = await baker.bakeAndCount(['run', 'images:bake']);
    expectRun(run, { builds: [], outcomes: all('cached') });
    for (const stage of stages) expect(run.outcomes[stage].detail).toMatch(/^manifest already records fingerprint [0-9a-f]{32}$/);
  });

  it('4. a fresh CI runner (no Nx cache, no dist/) adopts the images by fingerprint', async () => {
    expect(workspace.nx(['reset']).status).toBe(0);
    rmSync(join(workspace.root, 'dist/images'), { recursive: true, force: true });
    expectRun(await baker.bakeAndCount(['run', 'images:bake']), { builds: [], outcomes: all('adopted') });
  });

  it('5. a change to the app source rebuilds only the app stage', async () => {
    // (Bakes leave nothing to commit: dist/ and the plans are ignored.)
    expect(workspace.git(['status', '--porcelain'])).toBe('');
    edit('apps/site/src/index.html', (html) => html.replace('</body>', '<p>release two</p>\n</body>'));
    commit('site: release two');
    const run = await affected();
    expectRun(run, { builds: ['images/app'], outcomes: { 'images/os-base': 'nx-cache', 'images/app-base': 'nx-cache', 'images/app': 'built' } });
    expect(run.outcomes['images/app'].detail).toContain('file:dist/apps/site');
    expect(await runInImage(`${repository}:app`, ['cat', '/srv/www/site/index.html'])).toContain('release two');
  });

  it('6. a change to the app-base stage rebuilds app-base and app', async () => {
    edit('pipelines/images/app-base/site.conf.j2', (conf) => `# nginx site of the example (edited by the incremental test)\n${conf}`);
    commit('app-base: comment in the site template');
    const appBase = await imageLabels(`${repository}:app-base`);
    const run = await affected();
    expectRun(run, { builds: ['images/app', 'images/app-base'], outcomes: { 'images/os-base': 'nx-cache', 'images/app-base': 'built', 'images/app': 'built' } });
    expect(run.outcomes['images/app-base'].detail).toContain('file:pipelines/images/app-base');
    expect((await imageLabels(`${repository}:app-base`))['nx-bake.fingerprint']).not.toBe(appBase['nx-bake.fingerprint']);
    expect(await runInImage(`${repository}:app`, ['cat', '/etc/nginx/sites-available/default'])).toContain('edited by the incremental test');
  });

  it('7. a change to the os-base playbook rebuilds all three', async () => {
    edit('pipelines/images/os-base/playbook.yml', (playbook) => playbook.replace('content: "hardened\\n"', 'content: "hardened, second edition\\n"'));
    commit('os-base: second edition');
    const run = await affected();
    expectRun(run, { builds: stages, outcomes: all('built') });
    const osBase = await docker.getImage(`${repository}:os-base`).inspect();
    const appBase = await docker.getImage(`${repository}:app-base`).inspect();
    expect(appBase.Config.Labels?.['nx-bake.base']).toBe(osBase.Id);
    expect((await imageLabels(`${repository}:app`))['nx-bake.base']).toBe(appBase.Id);
    expect(await runInImage(`${repository}:app`, ['cat', '/etc/nx-bake-os-base'])).toContain('hardened, second edition');
  });

  it('8. a change to an unrelated project bakes nothing', async () => {
    edit('apps/other/index.js', (source) => source.replace('// An unrelated project.', '// An unrelated project, with a comment edited.'));
    commit('other: comment');
    const run = await affected();
    expectRun(run, { builds: [], outcomes: {} });
    expect(run.planned).toEqual(all('cached'));
  });

  it('9. rotating the sensitive deploy token rebuilds nothing', async () => {
    const rotated = { env: { BAKE_VAR_deploy_token: 'rotated-token' } };
    const run = await baker.bakeAndCount(['run', 'images:bake'], rotated);
    expectRun(run, { builds: [], outcomes: all('nx-cache') });
    expect(run.output).not.toContain('rotated-token');
    // Not in Nx's hash, and not in the fingerprints either: without Nx's cache the executors keep the manifests.
    expect(workspace.nx(['reset']).status).toBe(0);
    expectRun(await baker.bakeAndCount(['run', 'images:bake'], rotated), { builds: [], outcomes: all('cached') });
  });

  it('10. reverting the os-base change, then nx reset, builds nothing: the untagged images of before are adopted', async () => {
    const second = await docker.getImage(`${repository}:os-base`).inspect();
    const osBaseEdit = workspace.git(['log', '--format=%H', '--grep=os-base: second edition']);
    workspace.git(['revert', '--no-edit', osBaseEdit]);
    expect(workspace.nx(['reset']).status).toBe(0);
    // The images of test 6 lost their tags to test 7's (and are hidden from a default listing: they have children).
    const run = await baker.bakeAndCount(['run', 'images:bake']);
    expectRun(run, { builds: [], outcomes: all('adopted') });
    const osBase = await docker.getImage(`${repository}:os-base`).inspect();
    expect(osBase.Id).not.toBe(second.Id);
    expect(await runInImage(`${repository}:app`, ['cat', '/etc/nx-bake-os-base'])).not.toContain('second edition');
    expect((await imageLabels(`${repository}:app-base`))['nx-bake.base']).toBe(osBase.Id);
  });
});

describe('rebuild only what changed: two pipelines on a shared base', () => {
  const repository = `nx-bake-e2e/shared-${randomUUID().slice(0, 8)}`;
  const pipelineYaml = (name: string, stage: string, from: string) => `name: ${name}
variables:
  repository: { type: string, default: nx-bake-e2e/shared }
builders:
  local:
    type: docker
    network: host
    repository: "{{ var.repository }}"
    tag: "${name}-{{ stage.name }}"
stages:
  - name: ${stage}
    from: ${from}
    provisioners:
      - type: shell
        script: ${stage}/setup.sh
`;
  const appScript = (name: string, release: string) =>
    `#!/bin/sh\nset -eu\necho "${name} ${release} on $(cat /etc/platform-release)" > /etc/${name}-release\n`;
  let workspace: TestWorkspace;
  let baker: Baker;

  const commit = (message: string) => {
    workspace.git(['add', '-A']);
    workspace.git(['commit', '-q', '-m', message]);
  };
  const affected = () => baker.bakeAndCount(['affected', '-t', 'bake', '--base=HEAD~1', '--head=HEAD']);
  const manifestPath = (pipeline: string, stage: string) => join(workspace.root, 'dist/images', pipeline, stage, 'manifest.json');
  const manifestOf = (pipeline: string, stage: string) => JSON.parse(readFileSync(manifestPath(pipeline, stage), 'utf8'));

  beforeAll(async () => {
    workspace = createWorkspace({
      name: 'incremental-shared',
      files: {
        '.gitignore': 'node_modules\ndist\n.nx\ntmp\n',
        'pipelines/platform/pipeline.yaml': pipelineYaml('platform', 'os-base', `{ image: "${BASE_IMAGE}" }`),
        'pipelines/platform/os-base/setup.sh': '#!/bin/sh\nset -eu\necho "platform one" > /etc/platform-release\n',
        'pipelines/shop/pipeline.yaml': pipelineYaml('shop', 'app', '{ stage: os-base, pipeline: platform }'),
        'pipelines/shop/app/setup.sh': appScript('shop', 'one'),
        'pipelines/blog/pipeline.yaml': pipelineYaml('blog', 'app', '{ stage: os-base, pipeline: platform }'),
        'pipelines/blog/app/setup.sh': appScript('blog', 'one'),
      },
    });
    baker = new Baker(workspace, { repository, pipelines: ['platform', 'shop', 'blog'] });
    const first = await baker.bakeAndCount(['run-many', '-t', 'bake']);
    expectRun(first, { builds: ['blog/app', 'platform/os-base', 'shop/app'], outcomes: { 'platform/os-base': 'built', 'shop/app': 'built', 'blog/app': 'built' } });
  });

  afterAll(async () => {
    await baker?.cleanUp();
    workspace?.remove();
  });

  it('a change to the shared base rebuilds it once and both apps on the new base', async () => {
    const before = await docker.getImage(`${repository}:platform-os-base`).inspect();
    workspace.write('pipelines/platform/os-base/setup.sh', '#!/bin/sh\nset -eu\necho "platform two" > /etc/platform-release\n');
    commit('platform: two');
    const run = await affected();
    expectRun(run, { builds: ['blog/app', 'platform/os-base', 'shop/app'], outcomes: { 'platform/os-base': 'built', 'shop/app': 'built', 'blog/app': 'built' } });
    const platform = await docker.getImage(`${repository}:platform-os-base`).inspect();
    expect(platform.Id).not.toBe(before.Id);
    for (const app of ['shop', 'blog']) {
      expect((await imageLabels(`${repository}:${app}-app`))['nx-bake.base']).toBe(platform.Id);
      expect(manifestOf(app, 'app').base.artifacts).toEqual({ local: platform.Id });
      expect(await runInImage(`${repository}:${app}-app`, ['cat', `/etc/${app}-release`])).toBe(`${app} one on platform two\n`);
    }
  });

  it('a change to one app rebuilds only that app', async () => {
    const blog = await docker.getImage(`${repository}:blog-app`).inspect();
    workspace.write('pipelines/shop/app/setup.sh', appScript('shop', 'two'));
    commit('shop: two');
    const run = await affected();
    expectRun(run, { builds: ['shop/app'], outcomes: { 'platform/os-base': 'nx-cache', 'shop/app': 'built' } });
    expect(await runInImage(`${repository}:shop-app`, ['cat', '/etc/shop-release'])).toBe('shop two on platform two\n');
    expect((await docker.getImage(`${repository}:blog-app`).inspect()).Id).toBe(blog.Id);
  });

  it('a child does not trust a poisoned base manifest: it adopts the real base by fingerprint', async () => {
    const platform = await docker.getImage(`${repository}:platform-os-base`).inspect();
    const poisoned = `sha256:${'0'.repeat(64)}`;
    const manifest = manifestOf('platform', 'os-base');
    expect(manifest.builds[0].artifact_id).toBe(platform.Id);
    manifest.builds[0].artifact_id = poisoned;
    writeFileSync(manifestPath('platform', 'os-base'), JSON.stringify(manifest, null, 2));
    workspace.write('pipelines/blog/app/setup.sh', appScript('blog', 'two'));
    commit('blog: two');
    // Only the child runs: Nx would otherwise restore the parent's manifest from its cache first.
    const run = await baker.bakeAndCount(['run', 'blog-app:bake', '--excludeTaskDependencies']);
    expectRun(run, { builds: ['blog/app'], outcomes: { 'blog/app': 'built' } });
    expect(run.output).toContain(`base platform/os-base: recorded artifact ${poisoned} is gone or does not carry fingerprint ${manifest.fingerprint}; not trusting it`);
    expect(run.output).toContain(`base platform/os-base: adopting ${platform.Id}`);
    expect((await imageLabels(`${repository}:blog-app`))['nx-bake.base']).toBe(platform.Id);
    expect(manifestOf('blog', 'app').base.artifacts).toEqual({ local: platform.Id });
    expect(await runInImage(`${repository}:blog-app`, ['cat', '/etc/blog-release'])).toBe('blog two on platform two\n');
    // The parent's manifest names what really exists again.
    expect(manifestOf('platform', 'os-base').builds[0].artifact_id).toBe(platform.Id);
  });
});
