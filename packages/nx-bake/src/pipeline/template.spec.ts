import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipelineFile } from './load';
import { FIXTURES, problems, REPO_ROOT } from '../../test/fixtures/pipelines/fixtures';
import {
  cleanResourceName,
  renderStage,
  renderTemplateFile,
  renderValue,
  templateContext,
  templateSyntaxError,
  type TemplateContext,
} from './template';
import { compile } from './template/compile';
import { isPlainLookupTemplate } from './template/plain-lookup';
import type { Pipeline } from './types';
import { resolveVariables } from './variables';

const BUILD_TIME = new Date('2024-03-05T07:08:09.123Z');
const UNIX = 1709622489;

describe('templates', () => {
  let pipeline: Pipeline;
  let context: TemplateContext;
  const FILE = 'pipelines/valid/pipeline.yaml';

  beforeAll(() => {
    pipeline = loadPipelineFile(FILE, { workspaceRoot: FIXTURES });
    context = templateContext({
      pipeline,
      stage: pipeline.stages[1],
      variables: { region: 'eu-west-1', motd: 'hello', token: 's3cr3t-t0ken', list: ['a', 'b'], map: { k: 'v' } },
      baseArtifactId: 'sha256:base',
      gitCommit: 'abc123',
      buildTime: BUILD_TIME,
      runId: 'run-1',
      env: { BAKE_TEST_USER: 'ops', HOME: '/root' },
      workspaceRoot: FIXTURES,
    });
  });

  /** Renders `text` as if it were the motd of the first stage's ansible vars (line 34, col 17). */
  const render = (text: string) => renderValue(text, context, { pipeline, path: ['stages', 0, 'provisioners', 0, 'vars', 'motd'] });
  const AT = `${FILE}:34:17`;

  describe('templateContext', () => {
    it('holds the variables, names, build facts, the allowed environment and the template folder', () => {
      expect(context).toEqual({
        var: { region: 'eu-west-1', motd: 'hello', token: 's3cr3t-t0ken', list: ['a', 'b'], map: { k: 'v' } },
        pipeline: { name: 'valid' },
        stage: { name: 'app' },
        base: { artifact_id: 'sha256:base' },
        git: { commit: 'abc123' },
        build: { timestamp: '2024-03-05T07:08:09.123Z', run_id: 'run-1' },
        env: { BAKE_TEST_USER: 'ops' },
        template_dir: join(FIXTURES, 'pipelines', 'valid'),
      });
    });

    it('gives listed but unset environment variables as empty strings', () => {
      const bare = templateContext({ pipeline, variables: {}, buildTime: BUILD_TIME, runId: 'r', env: {} });
      expect(bare.env).toEqual({ BAKE_TEST_USER: '' });
      // Without a workspace root, the one the pipeline was loaded from.
      expect(bare.template_dir).toBe(join(FIXTURES, 'pipelines', 'valid'));
    });
  });

  describe('the context', () => {
    it('renders variables and build facts', () => {
      expect(render('{{ var.region }}/{{ pipeline.name }}/{{ stage.name }}/{{ base.artifact_id }}/{{ git.commit }}')).toBe(
        'eu-west-1/valid/app/sha256:base/abc123',
      );
      expect(render('{{ build.timestamp }} {{ build.run_id }}')).toBe('2024-03-05T07:08:09.123Z run-1');
      expect(render('{{ template_dir }}')).toBe(join(FIXTURES, 'pipelines', 'valid'));
      expect(render('{% for z in var.list %}{{ z }}{% endfor %} {{ var.map.k }} {{ var.list | join(",") }}')).toBe('ab v a,b');
      expect(render('{% set x = var.region | upper %}{{ x }}')).toBe('EU-WEST-1');
    });

    it('is strict: an undefined name is an error at the position of the string', () => {
      expect(problems(() => render('{{ var.nope }}'))).toEqual([`${AT}: undefined variable 'var.nope' in template`]);
      expect(problems(() => render('x {{ var.map.nope }}'))).toEqual([`${AT}: undefined variable 'var.map.nope' in template`]);
      expect(problems(() => render('{{ var.list[5] }}'))).toEqual([`${AT}: undefined variable 'var.list[5]' in template`]);
      expect(problems(() => render('{{ stage.nam }}'))).toEqual([`${AT}: undefined variable 'stage.nam' in template`]);
      expect(problems(() => render('{{ var.nope | default("x") }}'))).toEqual([`${AT}: undefined variable 'var.nope' in template`]);
      // The way to test for an optional key.
      expect(render('{% if "nope" in var.map %}yes{% else %}no{% endif %} {% if "k" in var.map %}yes{% endif %}')).toBe('no yes');
      expect(problems(() => render('{{ ansible_hostname }}'))).toEqual([
        `${AT}: undefined variable 'ansible_hostname' in template (to keep a literal '{{ ... }}', e.g. an Ansible expression, wrap it in {% raw %}...{% endraw %})`,
      ]);
    });

    it('leaves out base and git when they are not known', () => {
      const bare = templateContext({ pipeline, variables: {}, buildTime: BUILD_TIME, runId: 'r', env: {} });
      const where = { pipeline, path: ['stages', 0, 'provisioners', 0, 'vars', 'motd'] };
      expect(problems(() => renderValue('{{ base.artifact_id }}', bare, where))).toEqual([`${AT}: undefined variable 'base' in template${RAW}`]);
      expect(problems(() => renderValue('{{ git.commit }}', bare, where))).toEqual([`${AT}: undefined variable 'git' in template${RAW}`]);
      expect(problems(() => renderValue('{{ builder.name }}', bare, where))).toEqual([`${AT}: undefined variable 'builder' in template${RAW}`]);
    });

    it("names the build's builder: its name and type", () => {
      const stage = pipeline.stages[1];
      const withBuilder = templateContext({ pipeline, stage, builder: stage.builders[0], variables: {}, buildTime: BUILD_TIME, runId: 'r', env: {} });
      const where = { pipeline, path: ['stages', 0, 'provisioners', 0, 'vars', 'motd'] };
      expect(renderValue('{{ builder.name }}/{{ builder.type }}', withBuilder, where)).toBe(`${stage.builders[0].name}/${stage.builders[0].config.type}`);
    });

    it('passes Ansible/Jinja expressions through a raw block untouched', () => {
      expect(render('{% raw %}{{ ansible_hostname }}{% endraw %}')).toBe('{{ ansible_hostname }}');
      expect(render('{% raw %}{{ item }} {% if x %}{% endraw %} on {{ stage.name }}')).toBe('{{ item }} {% if x %} on app');
    });

    it('only reads the environment variables listed under env:', () => {
      expect(render('{{ env.BAKE_TEST_USER }} {{ env("BAKE_TEST_USER") }} {{ "BAKE_TEST_USER" | env }}')).toBe('ops ops ops');
      const hint = " (list 'HOME' under the pipeline's env: to read it)";
      expect(problems(() => render('{{ env.HOME }}'))).toEqual([`${AT}: undefined variable 'env.HOME' in template${hint}`]);
      expect(problems(() => render('{{ env("HOME") }}'))).toEqual([`${AT}: undefined variable 'env.HOME' in template${hint}`]);
      expect(problems(() => render('{{ "HOME" | env }}'))).toEqual([`${AT}: undefined variable 'env.HOME' in template${hint}`]);
      expect(problems(() => render('{{ env.name }}'))).toEqual([`${AT}: undefined variable 'env.name' in template (list 'name' under the pipeline's env: to read it)`]);
    });
  });

  describe('functions, as globals and as filters', () => {
    it('isotime: the build time in a Go layout, RFC3339 by default', () => {
      expect(render('{{ isotime() }}')).toBe('2024-03-05T07:08:09Z');
      expect(render('{{ isotime("2006-01-02") }}')).toBe('2024-03-05');
      expect(render('{{ "Jan 2 15:04" | isotime }}')).toBe('Mar 5 07:08');
      expect(render('{{ "1999-12-31T23:00:00Z" | isotime("2006") }}')).toBe('1999');
      // Packer's bare form, without parentheses.
      expect(render('{{ isotime }}')).toBe('2024-03-05T07:08:09Z');
    });

    it('timestamp: the unix time of the build, one value per build', () => {
      expect(render('{{ timestamp() }}')).toBe(String(UNIX));
      expect(render('{{ timestamp }} {{ "x" | timestamp }}')).toBe(`${UNIX} ${UNIX}`);
      const later = templateContext({ pipeline, variables: {}, buildTime: new Date(BUILD_TIME.getTime() + 5000), runId: 'r2', env: {} });
      expect(renderValue('{{ timestamp() }}', later, { pipeline, path: [] })).toBe(String(UNIX + 5));
    });

    it('uuid: a new random UUID each time', () => {
      const [a, b] = String(render('{{ uuid() }} {{ "x" | uuid }}')).split(' ');
      expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(b).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(a).not.toBe(b);
    });

    it('clean_resource_name: lowercase, anything outside [a-z0-9-] becomes -', () => {
      expect(render('{{ clean_resource_name("My Image_v1.2/x") }}')).toBe('my-image-v1-2-x');
      expect(render('{{ ("build " ~ isotime("2006-01-02T15:04")) | clean_resource_name }}')).toBe('build-2024-03-05t07-08');
      expect(render('{{ isotime | clean_resource_name }}')).toBe('2024-03-05t07-08-09z');
      expect(cleanResourceName('Ünïcode-OK-9')).toBe('-n-code-ok-9');
    });
  });

  describe('renderValue', () => {
    it('renders every string deeply, leaving other values and keys alone', () => {
      const value = { '{{ k }}': ['{{ var.region }}', 3, true, null, { deep: '{{ stage.name }}' }], plain: 'no template here' };
      expect(renderValue(value, context, { pipeline, path: ['stages', 1] })).toEqual({
        '{{ k }}': ['eu-west-1', 3, true, null, { deep: 'app' }],
        plain: 'no template here',
      });
    });

    it('reports every error at the position of its own string', () => {
      const vars = { motd: '{{ var.nope }}', user: '{{ env.HOME }}' };
      expect(problems(() => renderValue(vars, context, { pipeline, path: ['stages', 0, 'provisioners', 0, 'vars'] }))).toEqual([
        `${FILE}:34:17: undefined variable 'var.nope' in template`,
        `${FILE}:35:17: undefined variable 'env.HOME' in template (list 'HOME' under the pipeline's env: to read it)`,
      ]);
    });

    it('strips Nunjucks prefixes from other errors', () => {
      expect(problems(() => render('{{ var.region() }}'))).toEqual([`${AT}: template error: Unable to call \`var["region"]\`, which is not a function`]);
      expect(problems(() => render('{{ x }'))).toEqual([`${AT}: template error: expected variable end`]);
    });
  });

  describe('renderStage', () => {
    it('renders builder configs (with overrides), provisioners, from images and tags', () => {
      const [base, app] = pipeline.stages;
      const rendered = renderStage(pipeline, app, context);
      expect(rendered.builders).toEqual([
        { name: 'amd64', config: { type: 'docker', network: 'host', repository: 'example/valid', tag: 'app-eu-west-1' } },
        { name: 'arm64', config: { type: 'docker', network: 'host', repository: 'example/valid', tag: 'app-arm', platform: 'linux/arm64' } },
      ]);
      expect(rendered.provisioners[0]).toEqual({
        type: 'shell',
        inline: ['echo s3cr3t-t0ken'],
        // Rendered at run time, with `path` and `vars`.
        execute_command: 'sudo {{ vars }} sh {{ path }}',
        only: ['arm64'],
      });
      expect(rendered.tags).toEqual({ built: '2024-03-05', region: 'eu-west-1' });
      expect(rendered.from).toEqual(app.from);
      // The loaded stage is left as it was.
      expect(app.builders[0].config.tag).toBe('{{ stage.name }}-{{ var.region }}');

      const renderedBase = renderStage(pipeline, base, context);
      expect(renderedBase.from).toEqual({ kind: 'image', image: { amd64: 'debian:bookworm' } });
      expect(renderedBase.provisioners[0]).toMatchObject({ vars: { motd: 'Welcome to {{ ansible_hostname }}', user: 'ops' } });
    });

    it('reports every error of the stage at once, each at its string (overrides at the override)', () => {
      const broken = loadPipelineFile('pipelines/render-errors/pipeline.yaml', { workspaceRoot: FIXTURES });
      const ctx = templateContext({ pipeline: broken, stage: 'base', variables: { region: 'eu' }, buildTime: BUILD_TIME, runId: 'r', env: { HOME: '/root' } });
      expect(problems(() => renderStage(broken, broken.stages[0], ctx))).toEqual([
        "pipelines/render-errors/pipeline.yaml:9:17: undefined variable 'var.repo' in template",
        "pipelines/render-errors/pipeline.yaml:14:14: undefined variable 'var.release' in template",
        "pipelines/render-errors/pipeline.yaml:17:14: undefined variable 'stage.nam' in template",
        "pipelines/render-errors/pipeline.yaml:22:13: undefined variable 'env.HOME' in template (list 'HOME' under the pipeline's env: to read it)",
        `pipelines/render-errors/pipeline.yaml:25:13: undefined variable 'ansible_hostname' in template${RAW}`,
      ]);
    });

    it('renders the example pipeline, keeping the raw Ansible expression', () => {
      const images = loadPipelineFile('pipelines/images/pipeline.yaml', { workspaceRoot: REPO_ROOT });
      const { values } = resolveVariables(images, { workspaceRoot: REPO_ROOT, env: {} });
      const [, appBase, app] = images.stages;
      const ctx = (stage: typeof app) =>
        templateContext({ pipeline: images, stage, variables: values, baseArtifactId: 'sha256:parent', buildTime: BUILD_TIME, runId: 'r', env: {} });
      expect(renderStage(images, appBase, ctx(appBase)).provisioners[0]).toMatchObject({
        vars: { web_root: '/srv/www/site', motd: 'Welcome to {{ ansible_hostname }}' },
      });
      const renderedApp = renderStage(images, app, ctx(app));
      expect(renderedApp.builders[0].config).toMatchObject({ repository: 'nx-bake/example', tag: 'app', changes: expect.arrayContaining(['ENV WEB_ROOT=/srv/www/site']) });
      expect(JSON.stringify(renderedApp.provisioners)).toContain('images/app built from sha256:parent');
    });
  });

  describe('renderTemplateFile', () => {
    it('renders a template file', () => {
      expect(renderTemplateFile(join(FIXTURES, 'pipelines/valid/base/vars.yml.j2'), context)).toBe('motd: "hello"\nregion: EU-WEST-1\n');
    });

    it('reports errors as file:line:col of the template file', () => {
      const file = 'pipelines/valid/base/broken-vars.yml.j2';
      expect(readFileSync(join(FIXTURES, file), 'utf8').split('\n')[1]).toBe('region: {{ var.regoin }}');
      expect(problems(() => renderTemplateFile(join(FIXTURES, file), context, { workspaceRoot: FIXTURES }))).toEqual([
        `${file}:2:12: undefined variable 'var.regoin' in template`,
      ]);
      expect(problems(() => renderTemplateFile('pipelines/valid/base/nope.j2', context, { workspaceRoot: FIXTURES }))).toEqual([
        'pipelines/valid/base/nope.j2:1:1: cannot read template file: ENOENT',
      ]);
    });
  });

  describe('templateSyntaxError', () => {
    it('parses without rendering', () => {
      expect(templateSyntaxError('{{ var.anything_at_all }}')).toBeUndefined();
      expect(templateSyntaxError('no template')).toBeUndefined();
      expect(templateSyntaxError('{{ x }')).toBe('template syntax error: expected variable end');
      expect(templateSyntaxError('{% nope %}')).toBe('template syntax error: unknown block tag: nope');
    });

    it('takes plain lookups without Nunjucks only where Nunjucks finds no error either', () => {
      const plain = ['{{ stage.name }}', 'p001-{{stage.name}}-{{ pipeline.name }}.img', '{{ a_1.B.c }}', 'x\n{{ var.x }}\ny', '{{ nones.ifs }}'];
      const others = ['{{ not }}', '{{ a.not }}', '{{ true.x }}', '{{ x.in }}', '{{ if }}', '{{ a or }}', '{{- x }}', '{{ x }}}', '{ {{ x }}', '{{ 1x }}', '{{ x. }}', '{{ x.y'];
      for (const source of plain) {
        expect(isPlainLookupTemplate(source)).toBe(true);
        expect(() => compile(source)).not.toThrow();
      }
      for (const source of others) {
        expect(isPlainLookupTemplate(source)).toBe(false); // so Nunjucks judges it
      }
    });
  });
});

const RAW = " (to keep a literal '{{ ... }}', e.g. an Ansible expression, wrap it in {% raw %}...{% endraw %})";
