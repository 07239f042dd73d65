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
  });

  it('makes the pipeline bake run every stage', () => {
    const project = JSON.parse(workspace.nx(['show', 'project', 'images', '--json']).stdout);
    expect(project.targets.bake.dependsOn).toEqual([
      { projects: ['images-os-base', 'images-app-base', 'images-app'], target: 'bake', params: 'forward' },
    ]);
    expect(project.targets.validate.executor).toBe('nx-bake:validate');
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
