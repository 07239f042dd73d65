import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/** The plugin in a real Nx workspace: inferred projects, targets, inputs, outputs and graph edges. */
describe('nx-bake in an Nx workspace', () => {
  let workspace: TestWorkspace;

  beforeAll(() => {
    workspace = createWorkspace({ copy: ['pipelines', 'apps'], name: 'nx-plugin' });
  });
  afterAll(() => workspace.remove());

  it('lists the pipeline and one project per stage', () => {
    const result = workspace.nx(['show', 'projects', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).sort()).toEqual(['images', 'images-app', 'images-app-base', 'images-os-base', 'site']);
  });

  it('infers a cacheable bake target per stage, rooted in the stage folder', () => {
    const result = workspace.nx(['show', 'project', 'images-app', '--json']);
    expect(result.status).toBe(0);
    const project = JSON.parse(result.stdout);
    expect(project.root).toBe('pipelines/images/app');
    const bake = project.targets.bake;
    expect(bake.executor).toBe('nx-bake:bake');
    expect(bake.cache).toBe(true);
    expect(bake.outputs).toEqual(['{workspaceRoot}/dist/images/images/app']);
    expect(bake.dependsOn).toEqual(
      expect.arrayContaining([
        { projects: ['images-app-base'], target: 'bake', params: 'forward' },
        { projects: ['site'], target: 'build' },
      ]),
    );
    expect(bake.inputs).toEqual(expect.arrayContaining(['{projectRoot}/**/*', { dependentTasksOutputFiles: '**/*', transitive: false }]));
    expect(bake.inputs).toContainEqual({ env: 'BAKE_VAR_web_root' });
    // The sensitive variable is neither an input nor, by value, part of the hashed options.
    expect(bake.inputs).not.toContainEqual({ env: 'BAKE_VAR_deploy_token' });
    expect(JSON.stringify(bake.options)).not.toContain('not-a-real-token');
    expect(bake.options).toMatchObject({ pipeline: 'pipelines/images/pipeline.yaml', stage: 'app' });
    expect(bake.options.definition.provisioners).toHaveLength(3);
    // A revocation re-runs the bake; the retain policy is not part of what is built.
    expect(bake.inputs).toContain('{workspaceRoot}/pipelines/images/revocations.yaml');
    expect(bake.options.definition.retain).toBeUndefined();
  });

  it('makes the pipeline bake run every stage', () => {
    const project = JSON.parse(workspace.nx(['show', 'project', 'images', '--json']).stdout);
    expect(project.targets.bake.dependsOn).toEqual([
      { projects: ['images-os-base', 'images-app-base', 'images-app'], target: 'bake', params: 'forward' },
    ]);
    expect(project.targets.validate.executor).toBe('nx-bake:validate');
    // A plan reads the baked-in build outputs, so they are built first.
    expect(project.targets.plan).toMatchObject({ executor: 'nx-bake:plan', dependsOn: [{ projects: ['site'], target: 'build' }] });
    for (const name of ['gc', 'promote', 'channels', 'revoke']) {
      expect(project.targets[name]).toMatchObject({ executor: `nx-bake:${name}`, cache: false, options: { pipeline: 'pipelines/images/pipeline.yaml' } });
    }
  });

  it('draws os-base <- app-base <- app -> site in the graph', () => {
    const result = workspace.nx(['graph', '--file=graph.json']);
    expect(result.status).toBe(0);
    const graph = JSON.parse(readFileSync(join(workspace.root, 'graph.json'), 'utf8')).graph;
    const targetsOf = (source: string) => (graph.dependencies[source] as { target: string }[]).map((edge) => edge.target).sort();
    expect(targetsOf('images-app')).toEqual(['images-app-base', 'site']);
    expect(targetsOf('images-app-base')).toEqual(['images-os-base']);
    expect(targetsOf('images-os-base')).toEqual([]);
    expect(targetsOf('images')).toEqual(['images-app', 'images-app-base', 'images-os-base']);
  });

  it('validates the example', () => {
    const result = workspace.nx(['run', 'images:validate']);
    expect(result.output).toContain('pipeline images is valid (3 stages)');
    expect(result.status).toBe(0);
  });
});

describe('a broken pipeline in an Nx workspace', () => {
  let workspace: TestWorkspace;
  const broken = `name: broken
builders:
  local:
    type: docker
stages:
  - name: base
    from:
      image: debian:bookworm
    provisoners: []
  - name: app
    from:
      stage: bsae
    provisioners:
      - type: shell
        inline: [echo hi]
  - name: lonely
    from:
      image: debian:bookworm
`;

  beforeAll(() => {
    workspace = createWorkspace({
      name: 'nx-plugin-broken',
      files: {
        'pipelines/broken/pipeline.yaml': broken,
        'pipelines/broken/base/setup.sh': 'true\n',
        'pipelines/broken/app/setup.sh': 'true\n',
      },
    });
  });
  afterAll(() => workspace.remove());

  it('keeps the graph working and reports every problem at once, as file:line:col', () => {
    expect(workspace.nx(['show', 'projects', '--json']).status).toBe(0);
    const result = workspace.nx(['run', 'broken:validate']);
    expect(result.status).not.toBe(0);
    const lines = result.output.split('\n').filter((line) => line.startsWith('pipelines/broken/pipeline.yaml:'));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pipelines\/broken\/pipeline\.yaml:9:5: .*'provisoners'.*did you mean 'provisioners'/),
        expect.stringMatching(/^pipelines\/broken\/pipeline\.yaml:12:14: unknown stage 'bsae' in from/),
      ]),
    );
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(result.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('fails the bake with the same messages instead of building', () => {
    const result = workspace.nx(['run', 'broken:bake']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/pipelines\/broken\/pipeline\.yaml:12:14: /);
  });

  it('names a stage without files in its folder', () => {
    workspace.write('pipelines/broken/pipeline.yaml', broken.replace('    provisoners: []\n', '').replace('stage: bsae', 'stage: base'));
    const result = workspace.nx(['run', 'broken:validate']);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/pipelines\/broken\/pipeline\.yaml:15:11: stage 'lonely' has no files in its folder pipelines\/broken\/lonely\//);
  });
});
