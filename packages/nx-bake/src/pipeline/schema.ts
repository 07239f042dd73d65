/**
 * Validation of a parsed pipeline document against `schema/pipeline.schema.json`, with Ajv's errors
 * turned into precise diagnostics at the offending node (unknown key at the key, with "did you mean";
 * wrong type and bad values at the value; missing keys at the parent object).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { default as Ajv2020, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { Path, YamlSource } from './positions';
import { closest, didYouMean } from './suggest';

type Schema = Record<string, any>;

/** `packages/nx-bake/schema/pipeline.schema.json` (this file lives in `src/pipeline` or `dist/pipeline`). */
export const PIPELINE_SCHEMA_PATH = join(__dirname, '..', '..', 'schema', 'pipeline.schema.json');

/**
 * The validator compiled ahead of time by the build (`writePrecompiledValidator`): compiling the schema
 * takes Ajv a few hundred milliseconds, most of what `nx-bake validate` would spend on a small file.
 */
export const PRECOMPILED_VALIDATOR_PATH = join(__dirname, 'pipeline-schema.validate.js');

const AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  // `required: ['inline']` inside oneOf branches names properties declared next to the oneOf.
  strictRequired: false,
  allowUnionTypes: true,
  discriminator: true,
};

let compiled: { schema: Schema; validate: ValidateFunction } | undefined;

export function pipelineSchema(): Schema {
  return compiler().schema;
}

function newAjv(options: Options = {}): Ajv2020 {
  // Loaded only when compiling: the precompiled validator does not need Ajv itself.
  const Ajv = (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  // Annotation understood by editors (VS Code, yaml-language-server); we use it for our messages too.
  ajv.addVocabulary(['patternErrorMessage']);
  return ajv;
}

/** What the precompiled validator was made from: the schema, the options and Ajv's version. */
function validatorKey(schemaText: string): string {
  const version = (require('ajv/package.json') as { version: string }).version;
  return createHash('sha256').update(`${schemaText}\0${JSON.stringify(AJV_OPTIONS)}\0${version}`).digest('hex');
}

function compiler(): { schema: Schema; validate: ValidateFunction } {
  if (!compiled) {
    const text = readFileSync(PIPELINE_SCHEMA_PATH, 'utf8');
    const schema = JSON.parse(text) as Schema;
    let validate: ValidateFunction | undefined;
    if (existsSync(PRECOMPILED_VALIDATOR_PATH)) {
      const precompiled = require(PRECOMPILED_VALIDATOR_PATH) as ValidateFunction & { key?: string };
      // A stale one (the schema or Ajv changed since the build) is not used.
      if (typeof precompiled === 'function' && precompiled.key === validatorKey(text)) validate = precompiled;
    }
    compiled = { schema, validate: validate ?? newAjv().compile(schema) };
  }
  return compiled;
}

/** Writes the validator's code for `compiler()` to load instead of compiling (run by the build). */
export function writePrecompiledValidator(file = PRECOMPILED_VALIDATOR_PATH): void {
  const { writeFileSync } = require('node:fs') as typeof import('node:fs');
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  const text = readFileSync(PIPELINE_SCHEMA_PATH, 'utf8');
  const ajv = newAjv({ code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(JSON.parse(text)));
  writeFileSync(file, `${code}\nmodule.exports.key = ${JSON.stringify(validatorKey(text))};\n`);
}

/** Validates `data` (the document as JS) and maps every schema error to a diagnostic in `source`. */
export function schemaDiagnostics(data: unknown, source: YamlSource): Diagnostic[] {
  const { schema, validate } = compiler();
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).map((error) => ({ error, path: toPath(error.instancePath, data) }));

  // Errors inside oneOf branches and propertyNames subschemas are explained by the parent error.
  const umbrellas = errors.filter(({ error }) => error.keyword === 'oneOf' || error.keyword === 'propertyNames');
  const kept = errors.filter(
    ({ error }) =>
      !umbrellas.some(
        ({ error: parent }) =>
          parent !== error &&
          (error.instancePath === parent.instancePath || error.instancePath.startsWith(`${parent.instancePath}/`)) &&
          error.schemaPath.startsWith(`${parent.schemaPath}/`),
      ),
  );

  const diagnostics: Diagnostic[] = [];
  const keptErrors = kept.map((k) => k.error);
  for (const { error, path } of kept) {
    const mapped = describe(error, path, schema, keptErrors);
    if (mapped) diagnostics.push(diagnostic(source.position(mapped.path ?? path, mapped.mode ?? 'auto'), mapped.message));
  }
  return diagnostics;
}

interface Mapped {
  message: string;
  path?: Path;
  mode?: 'key' | 'value' | 'auto';
}

function describe(error: ErrorObject, path: Path, schema: Schema, all: ErrorObject[]): Mapped | undefined {
  const params = error.params as Record<string, any>;
  const parent = (error.parentSchema ?? {}) as Schema;
  const where = String(parent.title ?? 'map');
  const data = error.data;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      return { path: [...path, key], mode: 'key', message: `unknown key '${key}' in ${where}${didYouMean(key, known)}` };
    }
    case 'required':
      return { message: `missing required key '${params.missingProperty}' in ${where}` };
    case 'type':
      return { mode: 'value', message: `${subject(path)} must be ${typeName(params.type)}, got ${actual(data)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof data === 'string' ? didYouMean(data, allowed) : '';
      return {
        mode: 'value',
        message: `${subject(path)} must be one of ${allowed.map(quote).join(', ')}, got ${shown(data)}${suggestion}`,
      };
    }
    case 'const':
      return { mode: 'value', message: `${subject(path)} must be ${quote(String(params.allowedValue))}` };
    case 'pattern':
      return {
        mode: 'value',
        message: `invalid ${label(path, error)}: ${shown(data)} ${parent.patternErrorMessage ?? `must match ${params.pattern}`}`,
      };
    case 'propertyNames': {
      const name = String(params.propertyName);
      const sub = (error.schema ?? {}) as Schema;
      const kind = ({ variables: 'variable name', builders: 'builder name' } as Record<string, string>)[String(path[path.length - 1])] ?? 'key';
      return {
        path: [...path, name],
        mode: 'key',
        message: `invalid ${kind}: ${quote(name)} ${sub.patternErrorMessage ?? `must match ${sub.pattern}`}`,
      };
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      return { mode: 'value', message: `${subject(path)} must not be empty` };
    case 'uniqueItems': {
      const index = Math.max(Number(params.i), Number(params.j));
      return {
        path: [...path, index],
        mode: 'value',
        message: `${subject(path)} lists ${shown((data as unknown[])[index])} more than once`,
      };
    }
    case 'minimum':
      return { mode: 'value', message: `${subject(path)} must be at least ${params.limit}` };
    case 'dependentRequired':
      return {
        path: [...path, String(params.property)],
        mode: 'key',
        message: `'${params.property}' needs '${params.missingProperty}' in ${where}`,
      };
    case 'oneOf':
      return describeOneOf(error, path, all);
    case 'discriminator': {
      if (params.error === 'mapping') {
        const types = discriminatorValues(parent, schema, String(params.tag));
        const value = String(params.tagValue);
        return {
          path: [...path, String(params.tag)],
          mode: 'value',
          message: `unknown ${where} type ${quote(value)} (expected one of ${types.map(quote).join(', ')})${didYouMean(value, types)}`,
        };
      }
      // A missing tag is reported by `required`.
      if (params.tagValue === undefined) return undefined;
      return { path: [...path, String(params.tag)], mode: 'value', message: `'${params.tag}' must be a string` };
    }
    default:
      return { mode: 'value', message: `${subject(path)} ${error.message ?? 'is invalid'}` };
  }
}

/** `oneOf: [{required: [a]}, {required: [b]}]`: "needs one of" / "takes only one of". */
function describeOneOf(error: ErrorObject, path: Path, all: ErrorObject[]): Mapped | undefined {
  const branches = (error.schema ?? []) as Schema[];
  const keys = branches.map((branch) => (Array.isArray(branch.required) ? String(branch.required[0]) : undefined));
  const where = String(((error.parentSchema ?? {}) as Schema).title ?? 'map');
  if (keys.some((key) => key === undefined)) return { message: `${where} must match exactly one of its forms` };
  const names = keys as string[];
  // Not a map: the type error says it.
  if (typeof error.data !== 'object' || error.data === null || Array.isArray(error.data)) return undefined;
  const data = error.data as Record<string, unknown>;
  const present = names.filter((key) => key in data);
  if (present.length === 0) {
    // "unknown key 'inlin', did you mean 'inline'?" already says it all.
    const typo = all.some(
      (other) =>
        other.keyword === 'additionalProperties' &&
        other.instancePath === error.instancePath &&
        names.includes(closest(String((other.params as Record<string, unknown>).additionalProperty), names) ?? ''),
    );
    if (typo) return undefined;
    return { message: `${where} needs one of ${names.map(quote).join(', ')}` };
  }
  return {
    path: [...path, present[1]],
    mode: 'key',
    message: `${where} takes only one of ${names.map(quote).join(', ')}, found ${present.map(quote).join(' and ')}`,
  };
}

function discriminatorValues(parent: Schema, root: Schema, tag: string): string[] {
  const branches = (parent.oneOf ?? []) as Schema[];
  return branches
    .map((branch) => (typeof branch.$ref === 'string' ? resolveRef(root, branch.$ref) : branch))
    .map((branch) => branch?.properties?.[tag]?.const)
    .filter((value): value is string => typeof value === 'string');
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<Schema | undefined>((node, segment) => node?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], root);
}

/** JSON pointer → path, with numbers for array indexes. */
function toPath(pointer: string, data: unknown): Path {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function subject(path: Path): string {
  if (path.length === 0) return 'the pipeline';
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    return `item ${last + 1} of '${String(parent)}'`;
  }
  return `'${last}'`;
}

/** "stage name", "pause_before", "env item"... for pattern errors. */
function label(path: Path, error: ErrorObject): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') return `${String(path[path.length - 2])} item`;
  if (last === 'name' && path.length === 1) return 'pipeline name';
  if (last === 'name' && path[0] === 'stages') return 'stage name';
  if (error.schemaPath.includes('/from/')) return `from.${String(last)}`;
  return String(last);
}

function typeName(type: string | string[]): string {
  const one = (t: string): string =>
    ({ string: 'a string', object: 'a map', array: 'a list', integer: 'an integer', number: 'a number', boolean: 'true or false', null: 'null' })[t] ?? t;
  return Array.isArray(type) ? type.map(one).join(' or ') : one(type);
}

function actual(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

function quote(text: string): string {
  return `'${text}'`;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a map';
  return String(value);
}
