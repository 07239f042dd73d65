/**
 * Templates: every string of a pipeline's builder configs, provisioners, `from` image refs and tags is a
 * Nunjucks template, rendered at bake time (never at load time).
 *
 * - Strict: any name that is not in the context is an error (`undefined variable 'var.nope' in
 *   template`), reported at the position of the string in the pipeline file. So is reading it through
 *   `default(...)` or `is defined`; test for an optional key with `{% if "key" in var.some_map %}`.
 * - Context: `var`, `pipeline.name`, `stage.name`, `base.artifact_id`, `git.commit`,
 *   `build.timestamp` / `build.run_id`, `env` (only the names listed in the pipeline's `env:`),
 *   `template_dir` (absolute pipeline folder).
 * - Functions, usable as globals and as filters (as Packer users expect): `isotime(format?)` (Go
 *   reference layout, UTC, default RFC3339; as a filter `{{ "2006" | isotime }}` takes the piped value
 *   as the format, and `{{ some_time | isotime("2006") }}` formats that time), `timestamp()` (unix
 *   seconds of the build, one value per build), `uuid()`, `env("NAME")` (same allow-list as `env.NAME`;
 *   a listed but unset variable is the empty string, as in Packer), `clean_resource_name(s)`
 *   (lowercase, every character outside [a-z0-9-] replaced by `-`). Packer's bare forms work too:
 *   `{{ timestamp }}`, `{{ isotime }}`, `{{ uuid }}`, `{{ isotime | clean_resource_name }}`.
 * - Literal braces, e.g. Ansible/Jinja expressions that Ansible must see as written: wrap them in
 *   Nunjucks' raw block, `{% raw %}{{ ansible_hostname }}{% endraw %}` renders `{{ ansible_hostname }}`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as nunjucks from 'nunjucks';
import { diagnostic, PipelineError, throwIfAny, type Diagnostic } from './diagnostics';
import { formatGoTime, RFC3339 } from './isotime';
import { positionOf, sourceOf, type Path } from './positions';
import type { BaseReference, Pipeline, ProvisionerConfig, Stage, StageBuilder } from './types';

export interface TemplateContext {
  var: Record<string, unknown>;
  pipeline: { name: string };
  stage?: { name: string };
  /** The base image of the stage: the upstream stage's artifact ID or the external image reference. */
  base?: { artifact_id: string };
  git?: { commit: string };
  /** `timestamp` is an ISO-8601 string; `isotime()` and `timestamp()` derive from it. */
  build: { timestamp: string; run_id: string };
  /** Only the environment variables listed in the pipeline's `env:`. */
  env: Record<string, string>;
  /** Absolute folder of the pipeline file. */
  template_dir: string;
}

export interface TemplateContextOptions {
  pipeline: Pipeline;
  /** Resolved variable values (see `resolveVariables`). */
  variables: Record<string, unknown>;
  stage?: Stage | string;
  /** Without it, `base.artifact_id` is undefined (an error when a template uses it). */
  baseArtifactId?: string;
  /** Without it, `git.commit` is undefined (an error when a template uses it). */
  gitCommit?: string;
  /** The build's time: `build.timestamp`, and the one value of `isotime()`/`timestamp()` in this build. */
  buildTime: Date | string;
  runId: string;
  /** Defaults to `process.env`; only the names in `pipeline.env` are taken. */
  env?: NodeJS.ProcessEnv;
  /** For `template_dir`; defaults to the workspace root the pipeline was loaded from (else the cwd). */
  workspaceRoot?: string;
}

/** The template context of one build of one stage (or of the pipeline, without `stage`). */
export function templateContext(options: TemplateContextOptions): TemplateContext {
  const { pipeline } = options;
  const processEnv = options.env ?? process.env;
  const env: Record<string, string> = {};
  for (const name of pipeline.env) env[name] = processEnv[name] ?? '';
  const time = options.buildTime;
  const workspaceRoot = options.workspaceRoot ?? sourceOf(pipeline)?.workspaceRoot ?? process.cwd();
  const context: TemplateContext = {
    var: { ...options.variables },
    pipeline: { name: pipeline.name },
    build: { timestamp: typeof time === 'string' ? new Date(time).toISOString() : time.toISOString(), run_id: options.runId },
    env,
    template_dir: resolve(workspaceRoot, pipeline.dir),
  };
  if (options.stage !== undefined) {
    context.stage = { name: typeof options.stage === 'string' ? options.stage : options.stage.name };
  }
  if (options.baseArtifactId !== undefined) context.base = { artifact_id: options.baseArtifactId };
  if (options.gitCommit !== undefined) context.git = { commit: options.gitCommit };
  return context;
}

// ---------------------------------------------------------------------------------------------------
// Functions

/** Lowercase; every character outside [a-z0-9-] becomes `-` (Packer's `clean_resource_name`). */
export function cleanResourceName(value: string): string {
  return Array.from(String(value).toLowerCase(), (ch) => (/[a-z0-9-]/.test(ch) ? ch : '-')).join('');
}

/** An undefined name in a template: the message names it. */
class UndefinedName extends Error {
  constructor(
    readonly variable: string,
    hint = '',
  ) {
    super(`undefined variable '${variable}' in template${hint}`);
  }
}

const RAW_HINT = ` (to keep a literal '{{ ... }}', e.g. an Ansible expression, wrap it in {% raw %}...{% endraw %})`;
const envHint = (name: string): string => ` (list '${name}' under the pipeline's env: to read it)`;

interface NunjucksThis {
  ctx?: { build?: { timestamp?: string }; env?: unknown };
}

function buildTime(self: NunjucksThis | undefined): Date {
  const stamp = self?.ctx?.build?.timestamp;
  const date = stamp === undefined ? new Date() : new Date(stamp);
  if (Number.isNaN(date.getTime())) throw new Error(`build.timestamp '${stamp}' is not a valid time`);
  return date;
}

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`isotime: '${String(value)}' is not a time`);
  return date;
}

function lookupEnv(self: NunjucksThis | undefined, name: unknown): string {
  const env = self?.ctx?.env;
  if (typeof env === 'function') return (env as (name: unknown) => string)(name);
  throw new UndefinedName(`env.${String(name)}`, envHint(String(name)));
}

const functions = {
  isotime(this: NunjucksThis, format?: unknown): string {
    return formatGoTime(buildTime(this), format === undefined ? RFC3339 : String(format));
  },
  timestamp(this: NunjucksThis): number {
    return Math.floor(buildTime(this).getTime() / 1000);
  },
  uuid(): string {
    return randomUUID();
  },
  env(this: NunjucksThis, name: unknown): string {
    return lookupEnv(this, name);
  },
  clean_resource_name(value: unknown): string {
    return cleanResourceName(String(value));
  },
};

const filters = {
  /** `{{ "2006" | isotime }}` (Packer's pipe: the value is the format) or `{{ time | isotime("2006") }}`. */
  isotime(this: NunjucksThis, value: unknown, format?: unknown): string {
    if (format === undefined) return functions.isotime.call(this, value);
    return formatGoTime(toDate(value), String(format));
  },
  timestamp(this: NunjucksThis): number {
    return functions.timestamp.call(this);
  },
  uuid(): string {
    return randomUUID();
  },
  env(this: NunjucksThis, name: unknown): string {
    return lookupEnv(this, name);
  },
  clean_resource_name(value: unknown): string {
    return cleanResourceName(String(value));
  },
};

const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });
for (const [name, fn] of Object.entries(functions)) environment.addGlobal(name, fn);
for (const [name, fn] of Object.entries(filters)) environment.addFilter(name, fn as (...args: unknown[]) => unknown);
const globals = (environment as unknown as { globals: Record<string, unknown> }).globals;

// ---------------------------------------------------------------------------------------------------
// Strict lookups

interface FrameLike {
  lookup(name: string): unknown;
}
type FrameClass = new (parent?: FrameLike, isolateWrites?: boolean) => FrameLike;
const Frame = (nunjucks.runtime as unknown as { Frame: FrameClass }).Frame;

/** The root frame of every render: names outside the context (and the globals) are errors. */
class StrictRootFrame extends Frame {
  constructor(private readonly values: Record<string, unknown>) {
    super();
  }

  override lookup(name: string): unknown {
    if (Object.hasOwn(this.values, name)) return strict(this.values[name], name);
    if (BARE_FUNCTIONS.has(name)) return bareFunction(globals[name] as (...args: unknown[]) => unknown, this.values);
    if (name in globals) return undefined; // Nunjucks then finds the global itself.
    throw new UndefinedName(name, RAW_HINT);
  }
}

/** Functions Packer templates use without parentheses: `{{ timestamp }}`, `{{ isotime | clean_resource_name }}`. */
const BARE_FUNCTIONS = new Set(['isotime', 'timestamp', 'uuid']);

/** The function, callable as usual, that also reads as its value when output or filtered without a call. */
function bareFunction(fn: (...args: unknown[]) => unknown, values: Record<string, unknown>): unknown {
  const self = { ctx: values };
  const bare = (...args: unknown[]): unknown => fn.apply(self, args);
  let value: string | undefined;
  bare.toString = () => (value ??= String(fn.call(self)));
  return bare;
}

const FUNCTION_MEMBERS = new Set(['apply', 'call', 'bind', 'toString', 'valueOf', 'constructor']);
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** Wraps context values so that reading a member that does not exist throws, naming it. */
function strict(value: unknown, name: string): unknown {
  if (typeof value === 'function') {
    return new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
        if (Object.hasOwn(target, prop)) return strict(Reflect.get(target, prop, receiver), `${name}.${prop}`);
        if (FUNCTION_MEMBERS.has(prop)) return Reflect.get(target, prop, receiver);
        throw new UndefinedName(`${name}.${prop}`, name === 'env' ? envHint(prop) : '');
      },
    });
  }
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^(0|[1-9][0-9]*)$/.test(prop)) {
          if (Number(prop) >= target.length) throw new UndefinedName(`${name}[${prop}]`);
          return strict(target[Number(prop)], `${name}[${prop}]`);
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }
  if (isPlainObject(value)) {
    return new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
        if (Object.hasOwn(target, prop)) return strict(Reflect.get(target, prop, receiver), `${name}.${prop}`);
        // Object.prototype members; `length`, which Nunjucks' for-loops read on maps; `toJSON` (`dump`).
        if (prop in Object.prototype || prop === 'length' || prop === 'toJSON') return Reflect.get(target, prop, receiver);
        throw new UndefinedName(`${name}.${prop}`);
      },
    });
  }
  return value;
}

/** `env` in a render: callable (`env("NAME")`) and readable (`env.NAME`), both limited to the allow-list. */
function envFunction(values: Record<string, string>): (name: unknown) => string {
  const fn = (name: unknown): string => {
    const key = String(name);
    if (!Object.hasOwn(values, key)) throw new UndefinedName(`env.${key}`, envHint(key));
    return values[key];
  };
  // Own properties of `env` are exactly the allowed names (so `env.name` is not the function's name).
  for (const own of Object.getOwnPropertyNames(fn)) delete (fn as unknown as Record<string, unknown>)[own];
  for (const [key, value] of Object.entries(values)) {
    Object.defineProperty(fn, key, { value, enumerable: true, configurable: true, writable: false });
  }
  return fn;
}

/** What a render sees: the context, with `env` made callable. */
function renderContext(context: TemplateContext): Record<string, unknown> {
  return { ...context, env: envFunction(context.env ?? {}) };
}

// ---------------------------------------------------------------------------------------------------
// Rendering

const TEMPLATE_MARK = /\{[{%#]/;

/** Whether a string contains template syntax at all (plain strings are returned as they are). */
export function isTemplate(text: string): boolean {
  return TEMPLATE_MARK.test(text);
}

interface TemplateFailure {
  message: string;
  /** 1-based, within the template, when Nunjucks knows it. */
  line?: number;
  col?: number;
}

const compiledTemplates = new Map<string, nunjucks.Template>();

function compile(source: string, path?: string): nunjucks.Template {
  const key = `${path ?? ''}\u0000${source}`;
  let template = compiledTemplates.get(key);
  if (!template) {
    template = new nunjucks.Template(source, environment, path, true);
    if (compiledTemplates.size > 1000) compiledTemplates.clear();
    compiledTemplates.set(key, template);
  }
  return template;
}

function failure(error: unknown): TemplateFailure {
  const err = error as { message?: string; cause?: unknown; lineno?: number; colno?: number };
  let message: string;
  if (err.cause instanceof UndefinedName) message = err.cause.message;
  else if (error instanceof UndefinedName) message = error.message;
  else {
    message = String(err.message ?? error)
      // Nunjucks' own prefixes: "(path) [Line 1, Column 5]\n  " and "Error: ".
      .replace(/^\([^\n]*?\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '')
      .replace(/^(?:Template render error: |Error: |TypeError: )+/, '');
    if (err.cause instanceof Error) message = err.cause.message;
    if (message === 'attempted to output null or undefined value') message = 'template outputs an undefined value (a member that does not exist?)';
    else message = `template error: ${message}`;
  }
  const line = typeof err.lineno === 'number' && err.lineno > 0 ? err.lineno : undefined;
  const col = typeof err.colno === 'number' && err.colno > 0 ? err.colno : undefined;
  return { message, line, col };
}

/** The template syntax error of `source` (parse only, nothing is rendered), if any. */
export function templateSyntaxError(source: string): string | undefined {
  if (!isTemplate(source)) return undefined;
  try {
    compile(source);
    return undefined;
  } catch (error) {
    return failure(error).message.replace(/^template error: /, 'template syntax error: ');
  }
}

function renderWith(source: string, context: TemplateContext, path?: string): string {
  const template = compile(source, path) as unknown as { render(ctx: object, frame: FrameLike): string };
  const values = renderContext(context);
  return template.render(values, new StrictRootFrame(values));
}

/** Renders one template string; throws a `PipelineError`-free failure description on error. */
function tryRender(source: string, context: TemplateContext): { value: string } | { failure: TemplateFailure } {
  if (!isTemplate(source)) return { value: source };
  try {
    return { value: renderWith(source, context) };
  } catch (error) {
    return { failure: failure(error) };
  }
}

function renderDeep(value: unknown, context: TemplateContext, path: Path, pipeline: Pipeline, diagnostics: Diagnostic[]): unknown {
  if (typeof value === 'string') {
    const result = tryRender(value, context);
    if ('value' in result) return result.value;
    diagnostics.push(diagnostic(positionOf(pipeline, path, 'value'), result.failure.message));
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, context, [...path, i], pipeline, diagnostics));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderDeep(item, context, [...path, key], pipeline, diagnostics);
    return out;
  }
  return value;
}

/**
 * Renders every string in `value` (deeply). `where.path` is the value's path in the pipeline file; an
 * error in a string is reported at that string's position. All errors are thrown at once.
 */
export function renderValue(value: unknown, context: TemplateContext, where: { pipeline: Pipeline; path: Path }): unknown {
  const diagnostics: Diagnostic[] = [];
  const rendered = renderDeep(value, context, where.path, where.pipeline, diagnostics);
  throwIfAny(diagnostics);
  return rendered;
}

/**
 * The stage with its builder configs, provisioners (except shell `execute_command`, rendered at run
 * time with `path` and `vars`), `from` image refs and tags rendered; every error of the stage at once.
 */
export function renderStage(pipeline: Pipeline, stage: Stage, context: TemplateContext): Stage {
  const index = pipeline.stages.findIndex((candidate) => candidate.name === stage.name);
  const stagePath: Path = ['stages', index];
  const source = sourceOf(pipeline);
  const diagnostics: Diagnostic[] = [];
  const render = (value: unknown, path: Path): unknown => renderDeep(value, context, path, pipeline, diagnostics);

  const builders: StageBuilder[] = stage.builders.map((builder) => {
    const config: StageBuilder['config'] = { type: builder.config.type };
    for (const [key, value] of Object.entries(builder.config)) {
      if (key === 'type') continue;
      const overridePath = [...stagePath, 'builder_overrides', builder.name, key];
      config[key] = render(value, source?.has(overridePath) ? overridePath : ['builders', builder.name, key]);
    }
    return { ...builder, config };
  });

  let from: BaseReference = stage.from;
  if (from.kind === 'image') {
    const image = from.image;
    from = {
      kind: 'image',
      image:
        typeof image === 'string'
          ? (render(image, [...stagePath, 'from', 'image']) as string)
          : Object.fromEntries(Object.entries(image).map(([name, ref]) => [name, render(ref, [...stagePath, 'from', 'image', name]) as string])),
    };
  }

  const provisioners = stage.provisioners.map((provisioner, i) => {
    const path = [...stagePath, 'provisioners', i];
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(provisioner)) {
      out[key] = key === 'type' || (provisioner.type === 'shell' && key === 'execute_command') ? value : render(value, [...path, key]);
    }
    return out as unknown as ProvisionerConfig;
  });

  const tags = Object.fromEntries(Object.entries(stage.tags).map(([key, value]) => [key, render(value, [...stagePath, 'tags', key]) as string]));

  throwIfAny(diagnostics);
  return { ...stage, from, builders, provisioners, tags };
}

/**
 * Renders a template file (e.g. an ansible `vars_template`). Errors are reported as `file:line:col`,
 * with `file` relative to `options.workspaceRoot` when given (else as passed).
 */
export function renderTemplateFile(path: string, context: TemplateContext, options: { workspaceRoot?: string } = {}): string {
  const base = options.workspaceRoot ?? process.cwd();
  const absolute = resolve(base, path);
  const fromBase = relative(base, absolute);
  // Relative to the workspace root (or the cwd, where Nx runs executors) when inside it.
  const display = fromBase.startsWith('..') || isAbsolute(fromBase) ? absolute : fromBase.split(sep).join('/');
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new PipelineError([{ file: display, line: 1, col: 1, message: `cannot read template file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  try {
    return renderWith(text, context, display);
  } catch (error) {
    const { message, line, col } = failure(error);
    const name = (error as { cause?: unknown }).cause ?? error;
    // Nunjucks knows no position for failed member lookups: find the name in the text instead.
    const found = line === undefined && name instanceof UndefinedName ? locateName(text, name.variable) : undefined;
    throw new PipelineError([{ file: display, line: line ?? found?.line ?? 1, col: col ?? found?.col ?? 1, message }]);
  }
}

/** 1-based line and column of the first use of `name` (e.g. `var.nope`) in a template's text. */
function locateName(text: string, name: string): { line: number; col: number } | undefined {
  const parts = name.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '');
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const joined = parts.map(escape).join(`\\s*(?:\\.\\s*|\\[\\s*["']?)`);
  const pattern = new RegExp(`(?<![A-Za-z0-9_.])${joined}(?![A-Za-z0-9_])`);
  const match = pattern.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
