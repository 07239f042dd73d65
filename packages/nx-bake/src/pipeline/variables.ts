/**
 * Variable values. Precedence, lowest to highest (a later source overrides an earlier one):
 *   1. the declared `default`, or a variable's `vault:` (read only when no source below sets it, so a
 *      developer can bake without Vault by giving the value; `validate` and `plan` get a placeholder)
 *   2. the environment variable `BAKE_VAR_<name>`
 *   3. var files (YAML or JSON maps of name → value), in the order given: a later file wins
 *   4. `--var name=value`, in the order given: a later one wins
 *
 * Values given as strings (`--var`, BAKE_VAR_*, and quoted strings in var files) are converted to the
 * variable's type: `type:`, else the type of its `default`, else string. number: a decimal number;
 * boolean: `true` or `false`; list / map: JSON or YAML (`[a, b]`, `{k: v}`). A var file's plain YAML
 * scalar given to a string variable keeps its text (`1.10` stays "1.10").
 *
 * Errors (all at once, as one PipelineError): unknown names in var files and `--var` (with "did you
 * mean"), values that do not convert (at the declaration for BAKE_VAR_*, in the var file at the value,
 * and for `--var` at the pseudo-position `--var:1:N`, N being the 1-based index of that `--var` among
 * those given), and variables without any value. BAKE_VAR_* names that the pipeline does not declare are
 * ignored (the environment is shared by every pipeline). The values of sensitive variables never appear
 * in a message.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isMap as isYamlMap, isPair, isScalar, LineCounter, parse as parseYaml, parseDocument, type Node } from 'yaml';
import { diagnostic, throwIfAny, type Diagnostic } from './diagnostics';
import { ENV_NAME } from './env-name';
import { positionOf } from './positions';
import { didYouMean } from './suggest';
import type { Pipeline, SourcePosition, VariableDefinition, VariableType } from './types';
import { describeVaultReference, isVaultPlaceholder, kvReference, placeholderVault, vaultPlaceholder, type VaultResolver } from './vault-reference';

export interface VariableSources {
  /** `--var` values: `name=value` strings, or a map of name → value (as strings). */
  vars?: string[] | Record<string, string>;
  /** YAML or JSON files of name → value, absolute or relative to the workspace root. */
  varFiles?: string[];
  /** Where `BAKE_VAR_<name>` are read from; `process.env` when absent. */
  env?: NodeJS.ProcessEnv;
  workspaceRoot: string;
  /** The values of variables read from Vault; `placeholderVault` (never calling Vault) when absent. */
  vault?: VaultResolver;
  /** The variables to read from Vault (those a stage uses); the others get a placeholder. All when absent. */
  vaultVariables?: string[];
}

export interface ResolvedVariables {
  values: Record<string, unknown>;
  /** Names of the sensitive variables. */
  sensitive: string[];
}

export const ENV_PREFIX = 'BAKE_VAR_';

const TYPE_NAMES: Record<VariableType, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  list: 'a list',
  map: 'a map',
};

/** The declared type, else the type of the default, else string. */
export function variableType(definition: VariableDefinition): VariableType {
  if (definition.type) return definition.type;
  const value = definition.default;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object' && value !== null) return 'map';
  return 'string';
}

const isPlainMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

type Converted = { ok: true; value: unknown } | { ok: false };

/** Converts a string to `type`. */
export function coerceString(text: string, type: VariableType): Converted {
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'number': {
      const trimmed = text.trim();
      if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return { ok: false };
      return { ok: true, value: Number(trimmed) };
    }
    case 'boolean':
      if (text.trim() === 'true') return { ok: true, value: true };
      if (text.trim() === 'false') return { ok: true, value: false };
      return { ok: false };
    case 'list':
    case 'map': {
      let value: unknown;
      try {
        value = parseYaml(text);
      } catch {
        return { ok: false };
      }
      return (type === 'list' ? Array.isArray(value) : isPlainMap(value)) ? { ok: true, value } : { ok: false };
    }
  }
}

/** Converts a value from a var file to `type` (`sourceText`: the YAML text of a plain scalar). */
function coerceNative(value: unknown, type: VariableType, sourceText?: string): Converted {
  if (typeof value === 'string') return coerceString(value, type);
  switch (type) {
    case 'string':
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: sourceText ?? String(value) };
      return { ok: false };
    case 'number':
      return typeof value === 'number' ? { ok: true, value } : { ok: false };
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false };
    case 'list':
      return Array.isArray(value) ? { ok: true, value } : { ok: false };
    case 'map':
      return isPlainMap(value) ? { ok: true, value } : { ok: false };
  }
}

function describeValue(value: unknown, sensitive: boolean): string {
  if (sensitive) return ' (value hidden: the variable is sensitive)';
  if (value === null || value === undefined) return ', got nothing';
  if (typeof value === 'string') return `, got '${value}'`;
  if (Array.isArray(value)) return ', got a list';
  if (typeof value === 'object') return ', got a map';
  return `, got ${String(value)}`;
}

/** The variables' values from every source; see the top of this file for precedence and errors. */
export function resolveVariables(pipeline: Pipeline, sources: VariableSources): ResolvedVariables {
  const declarations = pipeline.variables;
  const names = Object.keys(declarations);
  const values = new Map<string, unknown>();
  const diagnostics: Diagnostic[] = [];
  const isSensitive = (name: string) => declarations[name]?.sensitive === true;
  /** Variables given a value that did not convert: reported as such, not as missing. */
  const given = new Set<string>();
  const badValue = (at: SourcePosition, name: string, value: unknown, origin = '') =>
    given.add(name) &&
    diagnostics.push(
      diagnostic(at, `variable '${name}'${origin} must be ${TYPE_NAMES[variableType(declarations[name])]}${describeValue(value, isSensitive(name))}`),
    );

  // 1. Defaults.
  for (const [name, definition] of Object.entries(declarations)) {
    if (definition.default !== undefined && definition.default !== null) values.set(name, structuredClone(definition.default));
  }

  // 2. BAKE_VAR_<name>.
  const env = sources.env ?? process.env;
  for (const name of names) {
    const text = env[`${ENV_PREFIX}${name}`];
    if (text === undefined) continue;
    const converted = coerceString(text, variableType(declarations[name]));
    if (converted.ok) values.set(name, converted.value);
    else badValue(positionOf(pipeline, ['variables', name]), name, text, ` (from ${ENV_PREFIX}${name})`);
  }

  // 3. Var files.
  for (const file of sources.varFiles ?? []) {
    readVarFile(file, sources.workspaceRoot, diagnostics, (name, value, at, sourceText) => {
      if (!(name in declarations)) {
        diagnostics.push(diagnostic(at.key, `unknown variable '${name}'${didYouMean(name, names)}`));
        return;
      }
      const converted = coerceNative(value, variableType(declarations[name]), sourceText);
      if (converted.ok) values.set(name, converted.value);
      else badValue(at.value, name, value);
    });
  }

  // 4. --var name=value.
  const flags: [string, string | undefined, string][] = Array.isArray(sources.vars)
    ? sources.vars.map((arg) => {
        const eq = arg.indexOf('=');
        return eq < 0 ? [arg, undefined, arg] : [arg.slice(0, eq).trim(), arg.slice(eq + 1), arg];
      })
    : Object.entries(sources.vars ?? {}).map(([name, value]) => [name, String(value), `${name}=`]);
  flags.forEach(([name, text, arg], i) => {
    const at: SourcePosition = { file: '--var', line: 1, col: i + 1 };
    if (text === undefined) {
      // Shown only when it looks like a name: a mistyped argument could be a secret.
      const shown = ENV_NAME.test(arg) ? ` '${arg}'` : '';
      diagnostics.push(diagnostic(at, `--var${shown} must be name=value`));
      return;
    }
    if (!(name in declarations)) {
      diagnostics.push(diagnostic(at, `unknown variable '${name}'${didYouMean(name, names)}`));
      return;
    }
    const converted = coerceString(text, variableType(declarations[name]));
    if (converted.ok) values.set(name, converted.value);
    else badValue(at, name, text);
  });

  // 5. Vault, for the variables nothing above set.
  const vault = sources.vault ?? placeholderVault;
  for (const name of names) {
    const source = declarations[name].vault;
    if (!source || values.has(name) || given.has(name)) continue;
    const reference = kvReference(source);
    const value = sources.vaultVariables && !sources.vaultVariables.includes(name) ? vaultPlaceholder(reference) : vault.read(reference);
    const converted = isVaultPlaceholder(value) ? { ok: true as const, value } : coerceNative(value, variableType(declarations[name]));
    if (converted.ok) values.set(name, converted.value);
    else badValue(positionOf(pipeline, ['variables', name, 'vault']), name, value, ` (from vault ${describeVaultReference(reference)})`);
  }

  // 6. Required.
  for (const name of names) {
    if (!values.has(name) && !given.has(name)) {
      diagnostics.push(
        diagnostic(
          positionOf(pipeline, ['variables', name]),
          `variable '${name}' is required: set it with --var ${name}=..., a var file, or ${ENV_PREFIX}${name}`,
        ),
      );
    }
  }

  throwIfAny(diagnostics);
  return {
    values: Object.fromEntries(names.map((name) => [name, values.get(name)])),
    sensitive: names.filter(isSensitive),
  };
}

type VarFileEntry = (name: string, value: unknown, at: { key: SourcePosition; value: SourcePosition }, sourceText?: string) => void;

/** Reads a YAML/JSON var file, reporting its own problems (syntax, not a map) at their position. */
function readVarFile(file: string, workspaceRoot: string, diagnostics: Diagnostic[], entry: VarFileEntry): void {
  const absolute = resolve(workspaceRoot, file);
  const fromRoot = relative(workspaceRoot, absolute);
  const shown = fromRoot.startsWith('..') || isAbsolute(fromRoot) ? absolute : fromRoot.split(sep).join('/');
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    diagnostics.push({ file: shown, line: 1, col: 1, message: `cannot read var file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const at = (offset: number | undefined): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file: shown, line, col };
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      diagnostics.push(diagnostic(at(error.pos[0]), error.code === 'DUPLICATE_KEY' ? 'duplicate variable name' : `invalid YAML: ${error.message}`));
    }
    return;
  }
  const contents = doc.contents as Node | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) return; // an empty file sets nothing
  if (!isYamlMap(contents)) {
    diagnostics.push(diagnostic(at(contents.range?.[0]), 'a var file must be a map of variable names to values'));
    return;
  }
  for (const pair of contents.items) {
    if (!isPair(pair)) continue;
    const key = pair.key as Node | null;
    const valueNode = pair.value as Node | null;
    const name = isScalar(key) ? String(key.value) : String(key);
    let value: unknown;
    try {
      value = valueNode ? valueNode.toJS(doc) : null;
    } catch (error) {
      // An alias to an anchor that is not there, or too many aliases: not a parse error, a toJS one.
      diagnostics.push(diagnostic(at(valueNode?.range?.[0] ?? key?.range?.[0]), `invalid YAML: ${(error as Error).message}`));
      continue;
    }
    const plain = isScalar(valueNode) && valueNode.type === 'PLAIN' ? valueNode.source : undefined;
    entry(name, value, { key: at(key?.range?.[0]), value: at(valueNode?.range?.[0] ?? key?.range?.[0]) }, plain);
  }
}
