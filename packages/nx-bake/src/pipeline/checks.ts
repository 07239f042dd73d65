/**
 * The checks of one pipeline file beyond its schema: references (builders, stages), builder types and
 * communicators (`builder-checks.ts`), duplicate stage names, cycles within the file, provisioner files
 * that do not exist, variable defaults of the wrong type, and template syntax. They run on the raw document even when the schema found problems (so
 * that every problem is reported at once), hence the defensive type guards.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkBuilders } from './builder-checks';
import { diagnostic, type Diagnostic } from './diagnostics';
import { findCyclesBy, formatCycle } from './graph';
import type { Path, YamlSource } from './positions';
import { provisionerFileKeys } from './stage-files';
import { didYouMean } from './suggest';
// Parse only: the plugin's createNodes loads this module, and needs none of the rendering.
import { isTemplate, templateSyntaxError } from './template/compile';

export type Raw = Record<string, unknown>;

export const isMap = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The string items of a list, with their indexes. */
function stringItems(value: unknown): [string, number][] {
  return Array.isArray(value) ? value.flatMap((item, i): [string, number][] => (typeof item === 'string' ? [[item, i]] : [])) : [];
}

export interface RawStage {
  name: string;
  index: number;
  /** `from.stage`, and `from.pipeline` when given. */
  fromStage?: string;
  fromPipeline?: string;
}

/** The stages of a raw document that have a name (for references across files, even when the file is invalid). */
export function rawStages(data: unknown): RawStage[] {
  if (!isMap(data) || !Array.isArray(data.stages)) return [];
  return data.stages.flatMap((stage, index): RawStage[] => {
    if (!isMap(stage) || typeof stage.name !== 'string') return [];
    const from = isMap(stage.from) ? stage.from : {};
    return [
      {
        name: stage.name,
        index,
        fromStage: typeof from.stage === 'string' ? from.stage : undefined,
        fromPipeline: typeof from.pipeline === 'string' ? from.pipeline : undefined,
      },
    ];
  });
}

export interface CheckInput {
  data: unknown;
  source: YamlSource;
  /** The pipeline's name (explicit, or its folder's). */
  name: string;
  /** Absolute folder of the pipeline file. */
  dir: string;
  workspaceRoot: string;
}

const VALUE_CHECKS: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
  list: (value) => Array.isArray(value),
  map: isMap,
};

const TYPE_NAMES: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', list: 'a list', map: 'a map' };

export function checkPipeline(input: CheckInput): Diagnostic[] {
  const { data, source } = input;
  const diagnostics: Diagnostic[] = [];
  const report = (path: Path, message: string, mode: 'key' | 'value' | 'auto' = 'auto') =>
    diagnostics.push(diagnostic(source.position(path, mode), message));
  if (!isMap(data)) return diagnostics;

  // Variable defaults of the declared type (values are never printed: a default may be a secret).
  if (isMap(data.variables)) {
    for (const [name, declaration] of Object.entries(data.variables)) {
      if (isMap(declaration) && isMap(declaration.vault)) checkVaultVariable(name, declaration, report);
      if (!isMap(declaration) || typeof declaration.type !== 'string' || !(declaration.type in VALUE_CHECKS)) continue;
      if (declaration.default === undefined || declaration.default === null) continue;
      if (!VALUE_CHECKS[declaration.type](declaration.default)) {
        report(['variables', name, 'default'], `default of variable '${name}' must be ${TYPE_NAMES[declaration.type]}`, 'value');
      }
    }
  }

  const builderNames = isMap(data.builders) ? Object.keys(data.builders) : [];
  let defaultBuilders = builderNames;
  if (Array.isArray(data.default_builders)) {
    defaultBuilders = [];
    for (const [name, i] of stringItems(data.default_builders)) {
      if (builderNames.includes(name)) defaultBuilders.push(name);
      else report(['default_builders', i], `unknown builder '${name}' in default_builders${didYouMean(name, builderNames)}`, 'value');
    }
  }

  if (isMap(data.builders)) {
    for (const [name, config] of Object.entries(data.builders)) checkTemplates(config, ['builders', name], report);
  }
  checkBuilders(data, report, (value, path, what) => checkFile(value, path, what, input, false, report));

  const stages = Array.isArray(data.stages) ? data.stages : [];
  const stageNames = rawStages(data).map((stage) => stage.name);
  const firstDeclared = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (!isMap(stage)) return;
    const path = ['stages', i];
    if (typeof stage.name === 'string') {
      const first = firstDeclared.get(stage.name);
      if (first === undefined) firstDeclared.set(stage.name, i);
      else {
        const line = source.position(['stages', first, 'name'], 'value').line;
        report([...path, 'name'], `duplicate stage name '${stage.name}' (first declared on line ${line})`, 'value');
      }
    }
    // A stage that names no builders may be baked with any of them (`--only`), and by default with default_builders.
    const stageBuilders = checkStageBuilders(stage, path, builderNames, builderNames, report);
    const bakedByDefault = Array.isArray(stage.builders) ? stageBuilders : defaultBuilders;
    checkFrom(stage, path, input.name, stageNames, builderNames, stageBuilders, bakedByDefault, report);
    checkProvisioners(stage, path, builderNames, stageBuilders, input, report);
    for (const key of ['from', 'builder_overrides', 'provisioners', 'tags']) {
      if (stage[key] !== undefined) checkTemplates(stage[key], [...path, key], report);
    }
  });

  // Cycles among the stages of this file.
  const raw = rawStages(data);
  const byName = new Map(raw.map((stage) => [stage.name, stage]));
  const ownParent = (stage: RawStage): RawStage | undefined =>
    stage.fromStage !== undefined && (stage.fromPipeline === undefined || stage.fromPipeline === input.name) ? byName.get(stage.fromStage) : undefined;
  const unique = raw.filter((stage) => byName.get(stage.name) === stage);
  for (const cycle of findCyclesBy(unique, ownParent, (stage) => stage.name)) {
    report(['stages', cycle[0].index, 'from'], formatCycle(cycle.map((stage) => stage.name)));
  }
  return diagnostics;
}

type Report = (path: Path, message: string, mode?: 'key' | 'value' | 'auto') => void;

/** Vault is a variable's only source of a default, and what it reads is a secret. */
function checkVaultVariable(name: string, declaration: Raw, report: Report): void {
  if (declaration.default !== undefined) report(['variables', name, 'default'], `variable '${name}' is read from Vault: it takes no default`, 'key');
  if (declaration.sensitive === false) report(['variables', name, 'sensitive'], `variable '${name}' is read from Vault, so it is sensitive: remove 'sensitive: false'`, 'value');
}

/** Checks `builders` and `builder_overrides`; returns the stage's (known) builders. */
function checkStageBuilders(stage: Raw, path: Path, builderNames: string[], defaults: string[], report: Report): string[] {
  let stageBuilders = defaults;
  if (Array.isArray(stage.builders)) {
    stageBuilders = [];
    for (const [name, i] of stringItems(stage.builders)) {
      if (builderNames.includes(name)) stageBuilders.push(name);
      else report([...path, 'builders', i], `unknown builder '${name}'${didYouMean(name, builderNames)}`, 'value');
    }
  }
  if (isMap(stage.builder_overrides)) {
    for (const [name, override] of Object.entries(stage.builder_overrides)) {
      const at = [...path, 'builder_overrides', name];
      if (!builderNames.includes(name)) {
        report(at, `unknown builder '${name}' in builder_overrides${didYouMean(name, builderNames)}`, 'key');
      } else if (!stageBuilders.includes(name)) {
        report(at, `builder_overrides names builder '${name}', which this stage does not use (its builders: ${stageBuilders.join(', ')})`, 'key');
      }
      if (isMap(override) && 'type' in override) report([...at, 'type'], `builder_overrides cannot change a builder's 'type'`, 'key');
    }
  }
  return stageBuilders;
}

function checkFrom(
  stage: Raw,
  path: Path,
  pipelineName: string,
  stageNames: string[],
  builderNames: string[],
  stageBuilders: string[],
  bakedByDefault: string[],
  report: Report,
): void {
  const from = stage.from;
  if (!isMap(from)) return;
  const fromPath = [...path, 'from'];
  if (typeof from.stage === 'string' && (from.pipeline === undefined || from.pipeline === pipelineName)) {
    if (!stageNames.includes(from.stage)) {
      report([...fromPath, 'stage'], `unknown stage '${from.stage}' in from${didYouMean(from.stage, stageNames)}`, 'value');
    }
  }
  if (isMap(from.image)) {
    const named = Object.keys(from.image);
    for (const name of named) {
      const at = [...fromPath, 'image', name];
      if (!builderNames.includes(name)) report(at, `unknown builder '${name}' in from.image${didYouMean(name, builderNames)}`, 'key');
      else if (!stageBuilders.includes(name)) {
        report(at, `from.image names builder '${name}', which this stage does not use (its builders: ${stageBuilders.join(', ')})`, 'key');
      }
    }
    // Builders picked only with --only are told at bake time; the default ones must have their image.
    for (const name of bakedByDefault) {
      if (!named.includes(name) && named.length > 0) report([...fromPath, 'image'], `from.image has no image for builder '${name}'`, 'key');
    }
  }
}

function checkProvisioners(stage: Raw, path: Path, builderNames: string[], stageBuilders: string[], input: CheckInput, report: Report): void {
  if (!Array.isArray(stage.provisioners)) return;
  const bakes = Array.isArray(stage.bakes) && stage.bakes.length > 0;
  stage.provisioners.forEach((provisioner, i) => {
    if (!isMap(provisioner)) return;
    const at = [...path, 'provisioners', i];
    for (const key of ['only', 'except']) {
      for (const [name, k] of stringItems(provisioner[key])) {
        if (stageBuilders.includes(name)) continue;
        report(
          [...at, key, k],
          builderNames.includes(name)
            ? `'${key}' names builder '${name}', which this stage does not use (its builders: ${stageBuilders.join(', ')})`
            : `unknown builder '${name}' in ${key}${didYouMean(name, stageBuilders)}`,
          'value',
        );
      }
    }
    if (provisioner.only !== undefined && provisioner.except !== undefined) {
      report([...at, 'except'], `use either 'only' or 'except', not both`, 'key');
    }
    for (const { key, what } of provisionerFileKeys(provisioner)) {
      const value = provisioner[key];
      if (typeof value === 'string') checkFile(value, [...at, key], what, input, bakes, report);
      else for (const [item, k] of stringItems(value)) checkFile(item, [...at, key, k], what, input, bakes, report);
    }
  });
}

/**
 * A provisioner's local file must exist (relative to the pipeline's folder). Not checked: paths with a
 * template expression (known at bake time only), and, in a stage that `bakes` projects, paths outside
 * the pipeline's folder: those are build outputs (e.g. `../../dist/apps/site/`) that only exist once
 * the baked projects are built, which Nx does right before the bake.
 */
function checkFile(value: string, path: Path, what: string, input: CheckInput, bakes: boolean, report: Report): void {
  if (value === '' || isTemplate(value)) return;
  const absolute = resolve(input.dir, value);
  if (existsSync(absolute)) return;
  const inPipeline = relative(input.dir, absolute);
  if (bakes && (inPipeline.startsWith('..') || isAbsolute(inPipeline))) return;
  const shown = relative(input.workspaceRoot, absolute).split(sep).join('/');
  report(path, `${what} not found: ${shown}`, 'value');
}

/** Template syntax errors in every string of `value` (parse only). */
function checkTemplates(value: unknown, path: Path, report: Report): void {
  if (typeof value === 'string') {
    const error = templateSyntaxError(value);
    if (error) report(path, error, 'value');
  } else if (Array.isArray(value)) value.forEach((item, i) => checkTemplates(item, [...path, i], report));
  else if (isMap(value)) for (const [key, item] of Object.entries(value)) checkTemplates(item, [...path, key], report);
}
