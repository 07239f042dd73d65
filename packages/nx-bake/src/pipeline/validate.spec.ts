import { FIXTURES, problems, REPO_ROOT } from '../../test/fixtures/pipelines/fixtures';
import { validatePipeline } from './validate';

const fixture = (name: string) => `pipelines/${name}/pipeline.yaml`;

describe('validatePipeline', () => {
  it('accepts the example pipeline', () => {
    const pipeline = validatePipeline({
      workspaceRoot: REPO_ROOT,
      pipelineFile: 'pipelines/images/pipeline.yaml',
      knownProjects: ['site', 'images'],
      env: {},
    });
    expect(pipeline.stages).toHaveLength(3);
  });

  it('reports user_data with user_data_file, in a builder or through an override, and a missing user_data_file', () => {
    expect(problems(() => validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('user-data'), env: {} }))).toEqual([
      "pipelines/user-data/pipeline.yaml:8:5: 'user_data_file' and 'user_data' cannot both be set: give one",
      'pipelines/user-data/pipeline.yaml:13:21: user_data_file not found: pipelines/user-data/base/missing.yaml',
      "pipelines/user-data/pipeline.yaml:19:9: 'user_data_file' and 'user_data' cannot both be set: give one",
    ]);
  });

  it('accepts a valid pipeline, rendering its vars_template', () => {
    expect(validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('valid'), knownProjects: ['site'], env: {} }).name).toBe('valid');
  });

  it('reports unknown Nx projects in bakes', () => {
    expect(problems(() => validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('valid'), knownProjects: ['sites'], env: {} }))).toEqual([
      "pipelines/valid/pipeline.yaml:40:13: unknown Nx project 'site' in bakes, did you mean 'sites'?",
    ]);
  });

  it('reports unknown builder types, provisioner types and communicators, with did-you-mean', () => {
    expect(problems(() => validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('unknown-types'), env: {} }))).toEqual([
      "pipelines/unknown-types/pipeline.yaml:4:11: unknown builder type 'dockr' (expected one of 'docker', 'digitalocean', 'amazon-ebs'), did you mean 'docker'?",
      "pipelines/unknown-types/pipeline.yaml:7:19: unknown communicator 'shh' (expected 'ssh'), did you mean 'ssh'?",
      "pipelines/unknown-types/pipeline.yaml:10:19: the docker builder has no 'ssh' communicator (it uses 'docker')",
      "pipelines/unknown-types/pipeline.yaml:12:11: unknown builder type 'podman' (expected one of 'docker', 'digitalocean', 'amazon-ebs')",
      "pipelines/unknown-types/pipeline.yaml:13:19: unknown communicator 'winrm' (expected one of 'docker', 'ssh')",
      // An override's communicator is checked against its builder's type (the cloud override's 'ssh' is right).
      "pipelines/unknown-types/pipeline.yaml:21:23: unknown communicator 'dokcer' (expected 'docker'), did you mean 'docker'?",
      "pipelines/unknown-types/pipeline.yaml:25:15: unknown provisioner type 'shel' (expected one of 'shell', 'file', 'ansible'), did you mean 'shell'?",
      "pipelines/unknown-types/pipeline.yaml:27:15: unknown provisioner type 'ansibel' (expected one of 'shell', 'file', 'ansible'), did you mean 'ansible'?",
    ]);
  });

  it('reports unknown builder fields (in overrides too), with did-you-mean; an SSH builder takes the ssh_* fields', () => {
    expect(problems(() => validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('builder-fields'), env: {} }))).toEqual([
      "pipelines/builder-fields/pipeline.yaml:6:5: unknown docker builder field 'pussh', did you mean 'push'?",
      "pipelines/builder-fields/pipeline.yaml:7:5: unknown docker builder field 'registry_pasword', did you mean 'registry_password'?",
      "pipelines/builder-fields/pipeline.yaml:11:5: unknown digitalocean builder field 'regoin', did you mean 'region'?",
      "pipelines/builder-fields/pipeline.yaml:21:9: unknown docker builder field 'tgg', did you mean 'tag'?",
    ]);
  });

  it("accepts each builder's own communicator", () => {
    const pipeline = validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('communicators'), env: {} });
    expect(pipeline.stages[0].builders.map((builder) => builder.config.communicator)).toEqual(['docker', 'ssh']);
  });

  it('reports template, variable and cross-pipeline problems together, not those of the other pipelines', () => {
    const lines = problems(() =>
      validatePipeline({
        workspaceRoot: FIXTURES,
        pipelineFile: fixture('render-errors'),
        otherPipelineFiles: [fixture('unknown-stage')],
        vars: ['regin=x'],
        env: {},
      }),
    );
    expect(lines).toEqual([
      "pipelines/render-errors/pipeline.yaml:9:17: undefined variable 'var.repo' in template",
      "pipelines/render-errors/pipeline.yaml:14:14: undefined variable 'var.release' in template",
      "pipelines/render-errors/pipeline.yaml:17:14: undefined variable 'stage.nam' in template",
      "pipelines/render-errors/pipeline.yaml:22:13: undefined variable 'env.HOME' in template (list 'HOME' under the pipeline's env: to read it)",
      "pipelines/render-errors/pipeline.yaml:25:13: undefined variable 'ansible_hostname' in template (to keep a literal '{{ ... }}', e.g. an Ansible expression, wrap it in {% raw %}...{% endraw %})",
      "--var:1:1: unknown variable 'regin', did you mean 'region'?",
    ]);
  });

  it('reports references to stages of other pipelines', () => {
    expect(
      problems(() =>
        validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('cross-refs'), otherPipelineFiles: [fixture('cross-a')], env: {} }),
      ),
    ).toEqual([
      "pipelines/cross-refs/pipeline.yaml:8:17: unknown pipeline 'cross-aa' in from, did you mean 'cross-a'?",
      "pipelines/cross-refs/pipeline.yaml:11:14: unknown stage 'toolz' in pipeline 'cross-a', did you mean 'tools'?",
    ]);
  });

  it('renders a stage once for each builder (builder.name is known), an error they share reported once', () => {
    expect(problems(() => validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('two-builders'), env: {} }))).toEqual([
      "pipelines/two-builders/pipeline.yaml:14:13: undefined variable 'var.nope' in template",
    ]);
  });

  it('reports the errors of a vars_template file at its own line:col', () => {
    expect(
      problems(() => validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: fixture('broken-vars-template'), env: {} })),
    ).toEqual(["pipelines/valid/base/broken-vars.yml.j2:2:12: undefined variable 'var.regoin' in template"]);
  });
});
