import { join } from 'node:path';
import { removeTemplateFolders, templateFolder } from '../../../test/support/hcl-template';
import { renderWith } from '../../pipeline/template/render';
import type { TemplateContext } from '../../pipeline/template';
import type { ImportNote, TemplateValue } from '../template';
import { readHclTemplate } from './read-template';

afterAll(removeTemplateFolders);

/** The translated value of `expression` as the field `v` of a source, with the template's notes and env. */
async function translate(expression: string, extra = ''): Promise<{ value: TemplateValue; notes: ImportNote[]; env: string[] }> {
  const dir = templateFolder({ 't.pkr.hcl': `${extra}\nsource "null" "s" {\n  v = ${expression}\n}\n` });
  const template = await readHclTemplate(join(dir, 't.pkr.hcl'));
  return { value: template.builders[0].fields.v.value, notes: template.notes, env: template.env };
}

const translated = async (expression: string, extra = ''): Promise<TemplateValue> => (await translate(expression, extra)).value;

function render(template: string, vars: Record<string, unknown> = {}): string {
  const context: TemplateContext = {
    var: vars,
    pipeline: { name: 'p' },
    stage: { name: 'stage-1' },
    build: { timestamp: '2024-05-06T07:08:09.000Z', run_id: 'r' },
    env: { HOME_DIR: '/home/me' },
    template_dir: '/pipelines',
  };
  return renderWith(template, context);
}

describe('literals and collections', () => {
  it('keeps numbers, booleans and null as values', async () => {
    expect(await translated('42')).toBe(42);
    expect(await translated('1.5')).toBe(1.5);
    expect(await translated('true')).toBe(true);
    expect(await translated('null')).toBeNull();
  });

  it('keeps tuples as lists and objects as maps, with identifier and string keys', async () => {
    expect(await translated('["a", 1, false, var.x]')).toEqual(['a', 1, false, '{{ var.x }}']);
    expect(await translated('{ Name = "web", "team:owner" = var.owner, nested = { n = 1 } }')).toEqual({ Name: 'web', 'team:owner': '{{ var.owner }}', nested: { n: 1 } });
  });
});

describe('references', () => {
  it('writes variables as Nunjucks names, with traversals', async () => {
    expect(await translated('var.image')).toBe('{{ var.image }}');
    expect(await translated('var.tags["env"]')).toBe('{{ var.tags["env"] }}');
    expect(await translated('var.settings.region')).toBe('{{ var.settings.region }}');
    expect(await translated('var.list[0]')).toBe('{{ var.list[0] }}');
    expect(await translated('var.my-image')).toBe('{{ var["my-image"] }}');
  });

  it('inlines locals, recursively, keeping a literal local a value', async () => {
    const locals = 'locals {\n  base = "app"\n  name = "${local.base}-${var.env}"\n  ports = [80, 443]\n}';
    expect(await translated('local.name', locals)).toBe('app-{{ var.env }}');
    expect(await translated('"x-${local.name}"', locals)).toBe('x-app-{{ var.env }}');
    expect(await translated('local.ports', locals)).toEqual([80, 443]);
    expect(await translated('local.ports[0]', locals)).toBe(80);
    const { value, notes } = await translate('upper(local.name)', locals);
    expect(value).toBe('{{ ("app-" ~ var.env) | upper }}');
    expect(render(value as string, { env: 'prod' })).toBe('APP-PROD');
    expect(notes).toEqual([]);
  });

  it('inlines a local block and notes that a sensitive one is no longer hidden', async () => {
    const { value, notes } = await translate('local.password', 'local "password" {\n  expression = var.secret\n  sensitive  = true\n}');
    expect(value).toBe('{{ var.secret }}');
    expect(notes).toEqual([{ at: expect.objectContaining({ line: 1, col: 1 }), kind: 'secret', message: expect.stringContaining('local.password is sensitive') }]);
  });

  it('notes a local that refers to itself, and one that is not defined', async () => {
    const loop = await translate('local.a', 'locals {\n  a = "x${local.b}"\n  b = local.a\n}');
    expect(loop.value).toBe('x');
    expect(loop.notes).toEqual([{ at: expect.objectContaining({ line: 3, col: 7 }), kind: 'dropped', message: 'local.a refers to itself: it became the empty string' }]);
    const missing = await translate('local.nope');
    expect(missing.value).toBe('');
    expect(missing.notes[0]).toMatchObject({ kind: 'dropped', at: { line: 3, col: 7 } });
  });

  it('writes path.root as template_dir, path.cwd too with a note', async () => {
    expect(await translated('"${path.root}/scripts/setup.sh"')).toBe('{{ template_dir }}/scripts/setup.sh');
    const cwd = await translate('path.cwd');
    expect(cwd.value).toBe('{{ template_dir }}');
    expect(cwd.notes).toEqual([{ at: expect.objectContaining({ line: 3, col: 7 }), kind: 'approximated', message: expect.stringContaining('path.cwd') }]);
  });

  it('drops data sources, build.ID and unknown names with a note each', async () => {
    const data = await translate('data.amazon-ami.ubuntu.id');
    expect(data.value).toBe('');
    expect(data.notes).toEqual([{ at: expect.objectContaining({ line: 3, col: 7 }), kind: 'dropped', message: 'data.amazon-ami.ubuntu.id (known to packer once it has read the data source) has no counterpart in a pipeline: it became the empty string' }]);
    const build = await translate('"key: ${build.SSHPrivateKey}"');
    expect(build.value).toBe('key: ');
    expect(build.notes[0]).toMatchObject({ kind: 'dropped', at: { line: 3, col: 15 } });
    const unknown = await translate('count.index');
    expect(unknown.value).toBe('count.index');
    expect(unknown.notes[0]).toMatchObject({ kind: 'dropped' });
  });
});

describe('operators and conditionals', () => {
  // Every compound operand is parenthesized: Nunjucks ranks the comparisons alike and chains them, HCL does not.
  it('writes Nunjucks operators, parenthesizing compound operands', async () => {
    expect(await translated('var.a == "x" && !var.b || var.n > 2')).toBe('{{ ((var.a == "x") and (not var.b)) or (var.n > 2) }}');
    expect(await translated('(var.n + 1) * 2')).toBe('{{ (var.n + 1) * 2 }}');
    expect(await translated('-var.n')).toBe('{{ -var.n }}');
  });

  it('writes a conditional as an inline if', async () => {
    const value = await translated('var.prod ? "m5.large" : "t3.micro"');
    expect(value).toBe('{{ ("m5.large" if var.prod else "t3.micro") }}');
    expect(render(value as string, { prod: false })).toBe('t3.micro');
  });
});

describe('functions', () => {
  it("writes Packer's timestamp() (RFC 3339) as isotime(), and formatdate of it as isotime with a Go layout", async () => {
    expect(await translated('timestamp()')).toBe('{{ isotime() }}');
    const value = await translated('"ami-${formatdate("YYYY-MM-DD-hhmm", timestamp())}"');
    expect(value).toBe('ami-{{ isotime("2006-01-02-1504") }}');
    expect(render(value as string)).toBe('ami-2024-05-06-0708');
    expect(await translated('formatdate("YYYY", var.when)')).toBe('{{ var.when | isotime("2006") }}');
  });

  it('reads env() into the template env list', async () => {
    const { value, env } = await translate('env("HOME_DIR")');
    expect(value).toBe('{{ env("HOME_DIR") }}');
    expect(env).toEqual(['HOME_DIR']);
  });

  it('writes string functions as Nunjucks filters', async () => {
    const cases: [string, string, string][] = [
      ['lower(var.s)', '{{ var.s | lower }}', 'hello world'],
      ['upper(var.s)', '{{ var.s | upper }}', 'HELLO WORLD'],
      ['trimspace(var.padded)', '{{ var.padded | trim }}', 'x'],
      ['replace(var.s, " ", "-")', '{{ var.s | replace(" ", "-") }}', 'Hello-World'],
      ['join(",", var.list)', '{{ var.list | join(",") }}', 'a,b'],
      ['clean_resource_name(var.s)', '{{ clean_resource_name(var.s) }}', 'hello-world'],
      ['coalesce(var.empty, var.s)', '{{ var.empty or var.s }}', 'Hello World'],
      ['lookup(var.map, "k", "d")', '{{ (var.map["k"] if "k" in var.map else "d") }}', 'v'],
      ['format("%s-%d", var.s, 3)', '{{ var.s }}-3', 'Hello World-3'],
    ];
    const vars = { s: 'Hello World', padded: '  x ', list: ['a', 'b'], empty: '', map: { k: 'v' } };
    for (const [hcl, nunjucks, result] of cases) {
      const value = await translated(hcl);
      expect([hcl, value]).toEqual([hcl, nunjucks]);
      expect([hcl, render(value as string, vars)]).toEqual([hcl, result]);
    }
  });

  it('writes a /regex/ replace and regex_replace with a Nunjucks regex, noting the syntax change', async () => {
    const { value, notes } = await translate('regex_replace(var.s, "[^a-z]+", "_")');
    expect(value).toBe('{{ var.s | replace(r/[^a-z]+/g, "_") }}');
    expect(render(value as string, { s: 'ab12cd/ef' })).toBe('ab_cd_ef');
    expect(notes[0]).toMatchObject({ kind: 'approximated', at: { line: 3, col: 7 } });
    expect(await translated('replace(var.s, "/a/b/", "_")')).toBe('{{ var.s | replace(r/a\\/b/g, "_") }}');
  });

  it('gives uuid() for uuidv4 and uuidv5 (noted), vault() as is, abspath() its argument', async () => {
    expect(await translated('uuidv4()')).toBe('{{ uuid() }}');
    const v5 = await translate('uuidv5("dns", "x")');
    expect(v5.value).toBe('{{ uuid() }}');
    expect(v5.notes[0]).toMatchObject({ kind: 'approximated' });
    expect(await translated('vault("secret/data/app", "token")')).toBe('{{ vault("secret/data/app", "token") }}');
    expect(await translated('abspath("x")')).toBe('x');
  });

  it('joins literal lists and maps of concat() and merge()', async () => {
    expect(await translated('concat(["a"], ["b", var.c])')).toEqual(['a', 'b', '{{ var.c }}']);
    expect(await translated('merge({ a = 1, b = 2 }, { b = 3 })')).toEqual({ a: 1, b: 3 });
  });

  it('reads file() at import time relative to the template, with a note', async () => {
    const dir = templateFolder({ 'key.pub': 'ssh-ed25519 AAAA {{x}}\n', 't.pkr.hcl': 'source "null" "s" {\n  a = file("key.pub")\n  b = file("${path.root}/key.pub")\n}\n' });
    const template = await readHclTemplate(join(dir, 't.pkr.hcl'));
    expect(template.builders[0].fields.a.value).toBe('{% raw %}ssh-ed25519 AAAA {{x}}\n{% endraw %}');
    expect(template.builders[0].fields.b.value).toBe(template.builders[0].fields.a.value);
    expect(template.notes.map((n) => [n.kind, n.at.line])).toEqual([
      ['approximated', 2],
      ['approximated', 3],
    ]);
  });

  it('keeps a function without counterpart as its source text, noted with its name and position', async () => {
    const { value, notes } = await translate('"sum: ${sha256(var.x)}"');
    expect(value).toBe('sum: sha256(var.x)');
    expect(notes).toEqual([{ at: { file: expect.stringMatching(/t\.pkr\.hcl$/), line: 3, col: 15 }, kind: 'dropped', message: 'the function sha256() has no counterpart in a pipeline: kept as the literal text "sha256(var.x)"' }]);
  });

  it('drops splats, and for expressions over what is not known at import, with a note', async () => {
    const forExpr = await translate('[for s in var.list : upper(s)]', 'variable "list" {\n  type = list(string)\n}');
    expect(forExpr.value).toBe('[for s in var.list : upper(s)]');
    expect(forExpr.notes[0]).toMatchObject({ kind: 'dropped', at: { line: 5, col: 7 }, message: expect.stringContaining('var.list has no default') });
    const splat = await translate('var.disks[*].size');
    expect(splat.value).toBe('var.disks[*].size');
    expect(splat.notes[0]).toMatchObject({ kind: 'dropped' });
  });
});

describe('for expressions, unrolled at import', () => {
  it('unrolls over a list or map written out, with its key and value names, silently', async () => {
    const { value, notes } = await translate('[for k, v in { a = "1", b = var.two } : "${k}=${v}"]');
    expect(value).toEqual(['a=1', 'b={{ var.two }}']);
    expect(notes).toEqual([]);
    expect(await translated('[for i, s in ["x", "y"] : "${i}:${s}"]')).toEqual(['0:x', '1:y']);
    expect(await translated('{ for s in ["x", "y"] : s => "v-${s}" }')).toEqual({ x: 'v-x', y: 'v-y' });
  });

  it("unrolls over a variable's default, noting that a value given when baking does not change it", async () => {
    const { value, notes } = await translate('concat(["EXPOSE 80"], [for k, v in var.features : "LABEL ${k}=${v}"])', 'variable "features" {\n  default = { tls = "on" }\n}');
    expect(value).toEqual(['EXPOSE 80', 'LABEL tls=on']);
    expect(notes).toEqual([expect.objectContaining({ kind: 'approximated', message: "the for expression was unrolled with var.features's default; a value given when baking does not change it" })]);
  });

  it('keeps the elements a literal if condition keeps, and groups values of one key with ...', async () => {
    expect(await translated('[for s in [true, false, true] : "kept" if s]')).toEqual(['kept', 'kept']);
    expect(await translated('{ for p in [["a", 1], ["b", 2], ["a", 3]] : p[0] => p[1]... }')).toEqual({ a: [1, 3], b: [2] });
  });

  it('drops one whose if condition is not known at import', async () => {
    const { value, notes } = await translate('[for s in ["x"] : s if s != "y"]');
    expect(value).toBe('[for s in ["x"] : s if s != "y"]');
    expect(notes[0]).toMatchObject({ kind: 'dropped', message: expect.stringContaining('its if condition is not known then') });
  });
});
