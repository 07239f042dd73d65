import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, PipelineError } from './diagnostics';
import { loadPipelineFile, loadPipelines } from './load';
import { positionOf } from './positions';
import { FIXTURES, problems, REPO_ROOT } from '../../test/fixtures/pipelines/fixtures';
import type { Pipeline } from './types';

const fixture = (name: string) => `pipelines/${name}/pipeline.yaml`;
const load = (name: string) => loadPipelineFile(fixture(name), { workspaceRoot: FIXTURES });
const problemsOf = (name: string) => problems(() => load(name));

describe('the example pipeline (pipelines/images/pipeline.yaml)', () => {
  const file = join(REPO_ROOT, 'pipelines', 'images', 'pipeline.yaml');
  let pipeline: Pipeline;

  beforeAll(() => {
    pipeline = loadPipelineFile('pipelines/images/pipeline.yaml', { workspaceRoot: REPO_ROOT });
  });

  it('loads cleanly, with its 3 stages in order', () => {
    expect(pipeline.name).toBe('images');
    expect(pipeline.file).toBe('pipelines/images/pipeline.yaml');
    expect(pipeline.dir).toBe('pipelines/images');
    expect(pipeline.stages.map((stage) => stage.name)).toEqual(['os-base', 'app-base', 'app']);
    expect(pipeline.stages.map((stage) => stage.root)).toEqual(['pipelines/images/os-base', 'pipelines/images/app-base', 'pipelines/images/app']);
  });

  it('loads the same from an absolute path', () => {
    expect(loadPipelineFile(file, { workspaceRoot: REPO_ROOT })).toEqual(pipeline);
  });

  it('normalizes `from`, applies defaults and merges builder overrides, leaving templates unrendered', () => {
    const [osBase, appBase, app] = pipeline.stages;
    expect(osBase.from).toEqual({ kind: 'image', image: { local: '{{ var.base_image }}', cloud: 'debian-12-x64', aws: 'debian-12 (source_ami_filter)' } });
    expect(appBase.from).toEqual({ kind: 'stage', pipeline: 'images', stage: 'os-base' });
    expect(app.from).toEqual({ kind: 'stage', pipeline: 'images', stage: 'app-base' });
    expect(osBase.builders[0]).toEqual({ name: 'local', config: { type: 'docker', network: 'host', repository: '{{ var.repository }}', tag: '{{ stage.name }}' } });
    expect(osBase.builders.map((builder) => builder.name)).toEqual(['local', 'cloud', 'aws']);
    expect(osBase.defaultBuilders).toEqual(['local']);
    expect(app.builders[0].config.changes).toEqual(['CMD ["/usr/local/bin/boot.sh"]', 'EXPOSE 8080', 'ENV WEB_ROOT={{ var.web_root }}']);
    expect(app.builders[0].config.network).toBe('host');
    expect(osBase.bakes).toEqual([]);
    expect(osBase.inputs).toEqual([]);
    expect(app.bakes).toEqual(['site']);
    expect(app.tags).toEqual({ layer: 'app' });
    expect(appBase.provisioners[0]).toMatchObject({ type: 'ansible', vars: { motd: '{% raw %}Welcome to {{ ansible_hostname }}{% endraw %}' } });
    expect(pipeline.variables.deploy_token).toMatchObject({ sensitive: true });
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(pipeline))).toEqual(pipeline);
  });

  it('knows where each node is in the original file', () => {
    const lines = readFileSync(file, 'utf8').split('\n');
    const motdLine = lines.findIndex((line) => line.trimStart().startsWith('motd:')) + 1;
    const motdCol = lines[motdLine - 1].indexOf('"') + 1;
    expect(positionOf(pipeline, ['stages', 1, 'provisioners', 0, 'vars', 'motd'])).toEqual({
      file: 'pipelines/images/pipeline.yaml',
      line: motdLine,
      col: motdCol,
    });
  });
});

describe('positionOf', () => {
  const pipeline = () => load('valid');

  it('points at scalar values, and at the key of block collections', () => {
    const p = pipeline();
    expect(positionOf(p, ['variables', 'region', 'default'])).toEqual({ file: fixture('valid'), line: 6, col: 14 });
    expect(positionOf(p, ['variables', 'region'])).toEqual({ file: fixture('valid'), line: 4, col: 3 });
    expect(positionOf(p, ['stages', 1])).toEqual({ file: fixture('valid'), line: 36, col: 5 });
    expect(positionOf(p, ['stages', 1, 'inputs'])).toEqual({ file: fixture('valid'), line: 41, col: 13 });
    expect(positionOf(p, ['stages', 1, 'inputs'], 'key')).toEqual({ file: fixture('valid'), line: 41, col: 5 });
  });

  it('follows YAML merge keys to the anchored node', () => {
    expect(positionOf(pipeline(), ['builders', 'arm64', 'network'])).toEqual({ file: fixture('valid'), line: 17, col: 14 });
    expect(positionOf(pipeline(), ['builders', 'arm64', 'platform'])).toEqual({ file: fixture('valid'), line: 22, col: 15 });
  });

  it('falls back to the deepest existing node, or the start of the file for pipelines it did not load', () => {
    const p = pipeline();
    expect(positionOf(p, ['stages', 0, 'tags', 'nope'])).toEqual(positionOf(p, ['stages', 0]));
    expect(positionOf({ ...p }, ['stages', 0])).toEqual({ file: fixture('valid'), line: 1, col: 1 });
  });
});

describe('loadPipelineFile', () => {
  it('defaults the name to the folder name and applies default_builders', () => {
    const pipeline = load('valid');
    expect(pipeline.name).toBe('valid');
    expect(pipeline.description).toBe('Everything the language has');
    expect(pipeline.env).toEqual(['BAKE_TEST_USER']);
    expect(pipeline.defaultBuilders).toEqual(['amd64']);
    const [base, app] = pipeline.stages;
    // A stage that names no builders can use them all, and bakes with the default ones unless told --only.
    expect(base.builders.map((builder) => builder.name)).toEqual(['amd64', 'arm64']);
    expect(base.defaultBuilders).toEqual(['amd64']);
    expect(app.defaultBuilders).toEqual(['amd64', 'arm64']);
    expect(app.builders).toEqual([
      { name: 'amd64', config: { type: 'docker', network: 'host', repository: 'example/{{ pipeline.name }}', tag: '{{ stage.name }}-{{ var.region }}' } },
      {
        name: 'arm64',
        config: { type: 'docker', network: 'host', repository: 'example/{{ pipeline.name }}', tag: '{{ stage.name }}-arm', platform: 'linux/arm64' },
      },
    ]);
    // The merged configs are copies: changing one stage's never changes another's.
    expect(app.builders[0].config).not.toBe(base.builders[0].config);
    expect(app.from).toEqual({ kind: 'stage', pipeline: 'valid', stage: 'base' });
    expect(app.inputs).toEqual(['app/**/*.conf']);
    expect(base.tags).toEqual({});
  });

  it('reads retain policies and reports bad ones at the value', () => {
    expect(loadPipelineFile(join(REPO_ROOT, 'pipelines/images/pipeline.yaml'), { workspaceRoot: REPO_ROOT }).stages.map((stage) => stage.retain)).toEqual([
      { count: 3, days: 30 },
      { count: 3, days: 30 },
      { count: 5, days: 30 },
    ]);
    expect(problemsOf('retain')).toEqual([
      "pipelines/retain/pipeline.yaml:11:22: 'count' must be at least 1",
      "pipelines/retain/pipeline.yaml:11:31: 'days' must be > 0",
      "pipelines/retain/pipeline.yaml:11:35: unknown key 'weeks' in retain",
      "pipelines/retain/pipeline.yaml:14:13: 'retain' must not be empty",
    ]);
  });

  it('reports a YAML syntax error with its position', () => {
    expect(problemsOf('yaml-syntax')).toEqual([
      'pipelines/yaml-syntax/pipeline.yaml:11:5: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports duplicate builder names (a duplicate YAML key) at the second one', () => {
    expect(problemsOf('duplicate-builder')).toEqual(["pipelines/duplicate-builder/pipeline.yaml:7:3: duplicate builder name 'local'"]);
  });

  it('reports unknown keys at the key, with did-you-mean; builder configs take any key', () => {
    expect(problemsOf('unknown-key')).toEqual([
      "pipelines/unknown-key/pipeline.yaml:2:1: unknown key 'descripton' in pipeline, did you mean 'description'?",
      "pipelines/unknown-key/pipeline.yaml:13:9: unknown key 'inlin' in shell provisioner, did you mean 'inline'?",
      "pipelines/unknown-key/pipeline.yaml:18:9: unknown key 'destnation' in file provisioner, did you mean 'destination'?",
      "pipelines/unknown-key/pipeline.yaml:19:5: unknown key 'tagz' in stage, did you mean 'tags'?",
    ]);
  });

  it('reports wrong types at the value', () => {
    expect(problemsOf('wrong-type')).toEqual([
      "pipelines/wrong-type/pipeline.yaml:2:6: 'env' must be a list, got a string",
      "pipelines/wrong-type/pipeline.yaml:10:12: 'bakes' must be a list, got a string",
      "pipelines/wrong-type/pipeline.yaml:13:17: 'inline' must be a list, got a string",
      "pipelines/wrong-type/pipeline.yaml:14:22: 'max_retries' must be an integer, got a string",
      "pipelines/wrong-type/pipeline.yaml:15:28: 'expect_disconnect' must be true or false, got a string",
      "pipelines/wrong-type/pipeline.yaml:17:16: 'version' must be a string, got the number 2",
    ]);
  });

  it('reports missing required keys at the parent object', () => {
    expect(problemsOf('missing-required')).toEqual([
      "pipelines/missing-required/pipeline.yaml:3:3: missing required key 'type' in builder",
      "pipelines/missing-required/pipeline.yaml:6:5: missing required key 'from' in stage",
      "pipelines/missing-required/pipeline.yaml:8:9: missing required key 'destination' in file provisioner",
      "pipelines/missing-required/pipeline.yaml:10:9: missing required key 'playbook' in ansible provisioner",
      "pipelines/missing-required/pipeline.yaml:13:5: missing required key 'name' in stage",
    ]);
  });

  it('reports bad values: enums, patterns, provisioner types, exclusive keys', () => {
    expect(problemsOf('bad-values')).toEqual([
      "pipelines/bad-values/pipeline.yaml:4:11: 'type' must be one of 'string', 'number', 'boolean', 'list', 'map', got 'strng', did you mean 'string'?",
      "pipelines/bad-values/pipeline.yaml:5:3: invalid variable name: '1st' must be a letter or '_' followed by letters, digits or '_' (it is used as `var.<name>` and in BAKE_VAR_<name>)",
      "pipelines/bad-values/pipeline.yaml:11:11: invalid stage name: 'Base_OS' must be lowercase letters, digits and '-', starting with a letter or digit",
      "pipelines/bad-values/pipeline.yaml:15:15: unknown provisioner type 'shel' (expected one of 'shell', 'file', 'ansible'), did you mean 'shell'?",
      "pipelines/bad-values/pipeline.yaml:20:20: 'direction' must be one of 'upload', 'download', got 'uplaod', did you mean 'upload'?",
      "pipelines/bad-values/pipeline.yaml:23:9: shell provisioner takes only one of 'inline', 'script', 'scripts', found 'inline' and 'script'",
      "pipelines/bad-values/pipeline.yaml:24:23: invalid pause_before: '10 sec' must be a duration like 10s, 2m or 1h30m",
    ]);
  });

  it('reports the forms a map must take: one of exclusive keys, dependent keys, default types, only/except', () => {
    const lines = problemsOf('forms');
    expect(lines).toEqual([
      "pipelines/forms/pipeline.yaml:5:14: default of variable 'replicas' must be a number",
      "pipelines/forms/pipeline.yaml:9:14: default of variable 'token' must be a number",
      "pipelines/forms/pipeline.yaml:19:7: from takes only one of 'image', 'stage', found 'image' and 'stage'",
      "pipelines/forms/pipeline.yaml:19:14: unknown stage 'neither' in from",
      "pipelines/forms/pipeline.yaml:23:7: 'pipeline' needs 'stage' in from",
      "pipelines/forms/pipeline.yaml:25:11: from needs one of 'image', 'stage'",
      "pipelines/forms/pipeline.yaml:31:9: builder_overrides cannot change a builder's 'type'",
      "pipelines/forms/pipeline.yaml:33:9: shell provisioner needs one of 'inline', 'script', 'scripts'",
      "pipelines/forms/pipeline.yaml:35:9: file provisioner needs one of 'source', 'sources', 'content'",
      "pipelines/forms/pipeline.yaml:40:9: use either 'only' or 'except', not both",
    ]);
    // The default of a sensitive variable is a secret, even when it is of the wrong type.
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('reports duplicate stage names at the second one', () => {
    expect(problemsOf('duplicate-stage')).toEqual([
      "pipelines/duplicate-stage/pipeline.yaml:12:11: duplicate stage name 'base' (first declared on line 6)",
    ]);
  });

  it("reports unknown builders in default_builders, a stage's builders, builder_overrides and only", () => {
    expect(problemsOf('unknown-builder')).toEqual([
      "pipelines/unknown-builder/pipeline.yaml:7:20: unknown builder 'lokal' in default_builders, did you mean 'local'?",
      "pipelines/unknown-builder/pipeline.yaml:12:23: unknown builder 'remote'",
      "pipelines/unknown-builder/pipeline.yaml:14:7: unknown builder 'lcal' in builder_overrides, did you mean 'local'?",
      "pipelines/unknown-builder/pipeline.yaml:16:7: builder_overrides names builder 'cloud', which this stage does not use (its builders: local)",
      "pipelines/unknown-builder/pipeline.yaml:21:16: unknown builder 'clod' in only",
    ]);
  });

  it('reports an unknown stage in from, with did-you-mean', () => {
    expect(problemsOf('unknown-stage')).toEqual([
      "pipelines/unknown-stage/pipeline.yaml:11:14: unknown stage 'os-bse' in from, did you mean 'os-base'?",
    ]);
  });

  it('reports every cycle, in build order', () => {
    expect(problemsOf('cycle')).toEqual([
      'pipelines/cycle/pipeline.yaml:7:5: stage cycle: a -> b -> c -> a',
      'pipelines/cycle/pipeline.yaml:16:11: stage cycle: selfish -> selfish',
    ]);
  });

  it('reports missing provisioner files, but not templated paths, downloads, or build outputs of baked projects', () => {
    expect(problemsOf('missing-files')).toEqual([
      'pipelines/missing-files/pipeline.yaml:11:17: script not found: pipelines/missing-files/files/setup.sh',
      'pipelines/missing-files/pipeline.yaml:13:37: script not found: pipelines/missing-files/files/missing.sh',
      'pipelines/missing-files/pipeline.yaml:18:31: file source not found: pipelines/missing-files/files/issue',
      'pipelines/missing-files/pipeline.yaml:28:19: playbook not found: pipelines/missing-files/base/playbook.yml',
      'pipelines/missing-files/pipeline.yaml:29:24: vars_template not found: pipelines/missing-files/base/vars.yml.j2',
      'pipelines/missing-files/pipeline.yaml:30:22: galaxy_file not found: pipelines/missing-files/base/requirements.yml',
      'pipelines/missing-files/pipeline.yaml:40:17: file source not found: pipelines/missing-files/app/site.conf',
    ]);
  });

  it('reports from.image maps naming builders the stage does not use, or missing one it uses', () => {
    expect(problemsOf('image-map')).toEqual([
      "pipelines/image-map/pipeline.yaml:13:9: from.image names builder 'arm64', which this stage does not use (its builders: amd64)",
      "pipelines/image-map/pipeline.yaml:14:9: unknown builder 'riscv' in from.image",
      "pipelines/image-map/pipeline.yaml:17:7: from.image has no image for builder 'arm64'",
    ]);
  });

  it('reports template syntax errors at the string', () => {
    expect(problemsOf('template-syntax')).toEqual([
      'pipelines/template-syntax/pipeline.yaml:5:10: template syntax error: expected variable end',
      'pipelines/template-syntax/pipeline.yaml:14:13: template syntax error: parseIf: expected elif, else, or endif, got end of file',
      'pipelines/template-syntax/pipeline.yaml:16:14: template syntax error: unexpected token: }}',
    ]);
  });

  it('reports every problem of a file at once, in file order', () => {
    let error: unknown;
    try {
      load('many-problems');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PipelineError);
    const { diagnostics, message } = error as PipelineError;
    expect(diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(message).toBe(diagnostics.map(formatDiagnostic).join('\n'));
    expect(message.split('\n')).toEqual([
      "pipelines/many-problems/pipeline.yaml:11:9: unknown key 'inlin' in shell provisioner, did you mean 'inline'?",
      'pipelines/many-problems/pipeline.yaml:13:19: playbook not found: pipelines/many-problems/base/missing.yml',
      "pipelines/many-problems/pipeline.yaml:15:16: unknown builder 'locl', did you mean 'local'?",
      "pipelines/many-problems/pipeline.yaml:17:14: unknown stage 'bse' in from, did you mean 'base'?",
      'pipelines/many-problems/pipeline.yaml:19:14: template syntax error: expected variable end',
      "pipelines/many-problems/pipeline.yaml:20:11: duplicate stage name 'base' (first declared on line 6)",
    ]);
    expect(diagnostics[0]).toEqual({
      file: 'pipelines/many-problems/pipeline.yaml',
      line: 11,
      col: 9,
      message: "unknown key 'inlin' in shell provisioner, did you mean 'inline'?",
    });
  });

  it('reports a file that cannot be read, without a stack trace', () => {
    expect(problemsOf('does-not-exist')).toEqual(['pipelines/does-not-exist/pipeline.yaml:1:1: cannot read pipeline file: ENOENT']);
  });
});

describe('loadPipelines', () => {
  const loadAll = (...names: string[]) => loadPipelines(names.map(fixture), { workspaceRoot: FIXTURES });

  it('loads several pipelines, in the order given', () => {
    expect(loadAll('graph-apps', 'graph-base').map((pipeline) => pipeline.name)).toEqual(['graph-apps', 'graph-base']);
  });

  it('reports a cycle through two pipelines', () => {
    expect(problems(() => loadAll('cross-a', 'cross-b'))).toEqual([
      'pipelines/cross-a/pipeline.yaml:7:5: stage cycle: cross-a/os -> cross-b/runtime -> cross-b/app -> cross-a/os',
    ]);
  });

  it('reports unknown pipelines and stages in from, duplicate pipeline names, and problems of each file, all at once', () => {
    expect(problems(() => loadAll('cross-a', 'cross-b', 'cross-refs', 'cross-duplicate', 'unknown-stage'))).toEqual([
      'pipelines/cross-a/pipeline.yaml:7:5: stage cycle: cross-a/os -> cross-b/runtime -> cross-b/app -> cross-a/os',
      "pipelines/cross-refs/pipeline.yaml:8:17: unknown pipeline 'cross-aa' in from, did you mean 'cross-a'?",
      "pipelines/cross-refs/pipeline.yaml:11:14: unknown stage 'toolz' in pipeline 'cross-a', did you mean 'tools'?",
      "pipelines/cross-duplicate/pipeline.yaml:1:7: duplicate pipeline name 'cross-a': also pipelines/cross-a/pipeline.yaml",
      "pipelines/unknown-stage/pipeline.yaml:11:14: unknown stage 'os-bse' in from, did you mean 'os-base'?",
    ]);
  });

  it('does not check references to other pipelines when loading one file alone', () => {
    expect(load('cross-refs').stages[0].from).toEqual({ kind: 'stage', pipeline: 'cross-aa', stage: 'os' });
  });
});
