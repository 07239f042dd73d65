import { loadPipelineFile } from './load';
import { FIXTURES, problems } from '../../test/fixtures/pipelines/fixtures';
import type { Pipeline } from './types';
import { coerceString, resolveVariables, variableType, type VariableSources } from './variables';

const FILE = 'pipelines/variables/pipeline.yaml';
const varFile = (name: string) => `pipelines/variables/${name}`;
/** Values for the variables without a default, so that only what a test sets matters. */
const REQUIRED = ['debug=false', 'version=1', 'token=t0ken-value'];

describe('resolveVariables', () => {
  let pipeline: Pipeline;
  beforeAll(() => {
    pipeline = loadPipelineFile(FILE, { workspaceRoot: FIXTURES });
  });
  const resolve = (sources: Partial<VariableSources> = {}) =>
    resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {}, ...sources, vars: [...REQUIRED, ...((sources.vars as string[]) ?? [])] });

  it('uses the declared defaults, and lists the sensitive variables', () => {
    const { values, sensitive } = resolve();
    expect(values).toEqual({
      region: 'eu-west-1',
      replicas: 2,
      debug: false,
      zones: ['a'],
      labels: { team: 'infra' },
      version: '1',
      token: 't0ken-value',
      retries: 3,
      pin: 1234,
    });
    expect(sensitive).toEqual(['token', 'pin']);
  });

  it('applies default < BAKE_VAR_* < var files (in order) < --var (in order)', () => {
    const env = { BAKE_VAR_region: 'from-env', BAKE_VAR_replicas: '7' };
    expect(resolve().values.region).toBe('eu-west-1');
    expect(resolve({ env }).values.region).toBe('from-env');
    expect(resolve({ env, varFiles: [varFile('low.yaml')] }).values.region).toBe('us-east-1');
    expect(resolve({ env, varFiles: [varFile('low.yaml'), varFile('high.json')] }).values.region).toBe('eu-central-1');
    expect(resolve({ env, varFiles: [varFile('high.json'), varFile('low.yaml')] }).values.region).toBe('us-east-1');
    const all = resolve({ env, varFiles: [varFile('low.yaml'), varFile('high.json')], vars: ['region=cli-1', 'region=cli-2'] });
    expect(all.values.region).toBe('cli-2');
    // Each source only overrides what it sets: replicas comes from low.yaml (over env's 7), zones from high.json.
    expect(all.values.replicas).toBe(3);
    expect(all.values.zones).toEqual(['b', 'c']);
    expect(resolve({ env }).values.replicas).toBe(7);
  });

  it('takes --var as a map too', () => {
    const { values } = resolveVariables(pipeline, {
      workspaceRoot: FIXTURES,
      env: {},
      vars: { debug: 'true', version: 'v2', token: 'abcd', replicas: '9' },
    });
    expect(values).toMatchObject({ debug: true, version: 'v2', replicas: 9 });
  });

  it('converts strings to the declared (or default-inferred) type', () => {
    const { values } = resolve({
      vars: ['replicas=5', 'debug=true', 'zones=["x", "y"]', 'labels={team: web, tier: 2}', 'retries=10', 'pin=42', 'region=123'],
    });
    expect(values).toMatchObject({
      replicas: 5,
      debug: true,
      zones: ['x', 'y'],
      labels: { team: 'web', tier: 2 },
      retries: 10,
      pin: 42,
      region: '123',
    });
    expect(resolve({ vars: ['zones=[a, b]'] }).values.zones).toEqual(['a', 'b']);
  });

  it('keeps the text of plain YAML scalars given to string variables (1.10 is not 1.1)', () => {
    expect(resolve({ varFiles: [varFile('low.yaml')], vars: [] }).values.version).toBe('1');
    const { values } = resolveVariables(pipeline, {
      workspaceRoot: FIXTURES,
      env: {},
      varFiles: [varFile('low.yaml')],
      vars: ['token=abcd'],
    });
    expect(values.version).toBe('1.10');
    expect(values.debug).toBe(false);
  });

  it('reports every missing required variable at its declaration, naming it', () => {
    expect(problems(() => resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {} }))).toEqual([
      `${FILE}:9:3: variable 'debug' is required: set it with --var debug=..., a var file, or BAKE_VAR_debug`,
      `${FILE}:17:3: variable 'version' is required: set it with --var version=..., a var file, or BAKE_VAR_version`,
      `${FILE}:19:3: variable 'token' is required: set it with --var token=..., a var file, or BAKE_VAR_token`,
    ]);
  });

  it('reports problems in var files at their line:col, with did-you-mean, hiding sensitive values', () => {
    expect(problems(() => resolve({ varFiles: [varFile('bad.yaml')] }))).toEqual([
      "pipelines/variables/bad.yaml:2:1: unknown variable 'replica', did you mean 'replicas'?",
      "pipelines/variables/bad.yaml:3:8: variable 'debug' must be true or false, got 'maybe'",
      "pipelines/variables/bad.yaml:4:8: variable 'token' must be a string (value hidden: the variable is sensitive)",
    ]);
  });

  it('reports --var problems at --var:1:N, N being the position of the --var', () => {
    expect(
      problems(() => resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {}, vars: [...REQUIRED, 'replicas=many', 'regin=x', 'debug'] })),
    ).toEqual([
      "--var:1:4: variable 'replicas' must be a number, got 'many'",
      "--var:1:5: unknown variable 'regin', did you mean 'region'?",
      "--var:1:6: --var 'debug' must be name=value",
    ]);
  });

  it('reports a bad BAKE_VAR_* value at the declaration, and ignores undeclared BAKE_VAR_* names', () => {
    expect(problems(() => resolve({ env: { BAKE_VAR_replicas: 'lots', BAKE_VAR_unrelated: 'x' } }))).toEqual([
      `${FILE}:6:3: variable 'replicas' (from BAKE_VAR_replicas) must be a number, got 'lots'`,
    ]);
  });

  it('never shows the value of a sensitive variable in an error', () => {
    const secret = 'hunter2-is-my-pin';
    const lines = problems(() =>
      resolve({ env: { BAKE_VAR_pin: `${secret}-env` }, vars: [`pin=${secret}`, `zones=${secret}`] }),
    );
    expect(lines).toEqual([
      `${FILE}:24:3: variable 'pin' (from BAKE_VAR_pin) must be a number (value hidden: the variable is sensitive)`,
      "--var:1:4: variable 'pin' must be a number (value hidden: the variable is sensitive)",
      `--var:1:5: variable 'zones' must be a list, got '${secret}'`,
    ]);
    expect(lines.slice(0, 2).join('\n')).not.toContain('hunter2');
    // A malformed --var could be a secret typed without its name: it is only shown when it looks like a name.
    expect(problems(() => resolve({ vars: ['hunter2!secret', 'debug'] }))).toEqual([
      '--var:1:4: --var must be name=value',
      "--var:1:5: --var 'debug' must be name=value",
    ]);
  });

  it('reports a var file that cannot be read', () => {
    expect(problems(() => resolve({ varFiles: [varFile('nope.yaml')] }))).toEqual([
      'pipelines/variables/nope.yaml:1:1: cannot read var file: ENOENT',
    ]);
  });

  it('reports every problem of every source at once', () => {
    const lines = problems(() =>
      resolveVariables(pipeline, {
        workspaceRoot: FIXTURES,
        env: { BAKE_VAR_debug: 'perhaps' },
        varFiles: [varFile('bad.yaml')],
        vars: ['nope=1'],
      }),
    );
    expect(lines).toHaveLength(6);
    // A variable given a bad value is reported for that, not also as missing.
    expect(lines.filter((line) => line.includes("'token' is required"))).toEqual([]);
    expect(lines).toContain(`${FILE}:9:3: variable 'debug' (from BAKE_VAR_debug) must be true or false, got 'perhaps'`);
    expect(lines).toContain("--var:1:1: unknown variable 'nope'");
    expect(lines).toContain(`${FILE}:17:3: variable 'version' is required: set it with --var version=..., a var file, or BAKE_VAR_version`);
  });
});

describe('coercion', () => {
  it('converts strings by type, refusing what does not fit', () => {
    expect(coerceString(' 1.5e3 ', 'number')).toEqual({ ok: true, value: 1500 });
    expect(coerceString('-2', 'number')).toEqual({ ok: true, value: -2 });
    expect(coerceString('', 'number')).toEqual({ ok: false });
    expect(coerceString('0x10', 'number')).toEqual({ ok: false });
    expect(coerceString('true', 'boolean')).toEqual({ ok: true, value: true });
    expect(coerceString('yes', 'boolean')).toEqual({ ok: false });
    expect(coerceString('{"a": [1]}', 'map')).toEqual({ ok: true, value: { a: [1] } });
    expect(coerceString('[1]', 'map')).toEqual({ ok: false });
    expect(coerceString('a: 1', 'list')).toEqual({ ok: false });
    expect(coerceString('[unclosed', 'list')).toEqual({ ok: false });
  });

  it('infers the type from the default when none is declared', () => {
    expect(variableType({ default: 3 })).toBe('number');
    expect(variableType({ default: false })).toBe('boolean');
    expect(variableType({ default: [] })).toBe('list');
    expect(variableType({ default: {} })).toBe('map');
    expect(variableType({})).toBe('string');
    expect(variableType({ type: 'list', default: 'x' })).toBe('list');
  });
});
