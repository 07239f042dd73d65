/**
 * Builder types, their fields and communicator names, checked against the table of what nx-bake has, so a
 * typo is reported by `validate` at its line instead of by a bake (the schema leaves builder configs open,
 * and each builder checks its own values when it runs).
 */
import { BUILDER_COMMUNICATORS, BUILDER_FIELDS, BUILDER_TYPES, COMMUNICATORS, isBuilderField, isBuilderType } from './known-types';
import type { Path } from './positions';
import { builderFileKeys } from './stage-files';
import { didYouMean } from './suggest';

type Report = (path: Path, message: string, mode?: 'key' | 'value' | 'auto') => void;
type Raw = Record<string, unknown>;

const isMap = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const quoted = (names: readonly string[]) => (names.length === 1 ? `'${names[0]}'` : `one of ${names.map((name) => `'${name}'`).join(', ')}`);

/** Checks that a local file a builder names exists (the pipeline's own check, which knows its folder). */
type CheckFile = (value: string, path: Path, what: string) => void;

/** Fields of which a builder takes one at most: [the one reported, the other]. */
const EXCLUSIVE_FIELDS: Record<string, [string, string][]> = {
  digitalocean: [['user_data_file', 'user_data']],
  'amazon-ebs': [['user_data_file', 'user_data'], ['source_ami_filter', 'source_ami']],
};

export function checkBuilders(data: Raw, report: Report, checkFile: CheckFile = () => undefined): void {
  const builders = isMap(data.builders) ? data.builders : {};
  for (const [name, config] of Object.entries(builders)) {
    if (!isMap(config)) continue;
    const at = ['builders', name];
    // A missing or non-string type is the schema's to report.
    if (typeof config.type === 'string' && !isBuilderType(config.type)) {
      report([...at, 'type'], `unknown builder type '${config.type}' (expected ${quoted(BUILDER_TYPES)})${didYouMean(config.type, BUILDER_TYPES)}`, 'value');
    }
    checkFieldNames(config, at, config.type, report);
    checkCommunicator(config, at, config.type, report);
    checkFieldValues(config, config, at, report, checkFile);
  }
  // An override is merged over its builder's configuration: its communicator must suit that builder too.
  const stages = Array.isArray(data.stages) ? data.stages : [];
  stages.forEach((stage, i) => {
    if (!isMap(stage) || !isMap(stage.builder_overrides)) return;
    for (const [name, override] of Object.entries(stage.builder_overrides)) {
      const base = builders[name];
      if (!isMap(override)) continue;
      const at = ['stages', i, 'builder_overrides', name];
      const type = isMap(base) ? base.type : undefined;
      checkFieldNames(override, at, type, report);
      checkCommunicator(override, at, type, report);
      checkFieldValues(override, { ...(isMap(base) ? base : {}), ...override }, at, report, checkFile);
    }
  });
}

/**
 * A near miss of a known builder's field (`pussh`) is reported at its key. Any other name is left to the
 * builder, which refuses it when it runs, naming every field it takes: the model keeps builder configs open.
 */
function checkFieldNames(config: Raw, at: Path, type: unknown, report: Report): void {
  if (!isBuilderType(type)) return;
  for (const field of Object.keys(config)) {
    const suggestion = isBuilderField(type, field) ? '' : didYouMean(field, [...BUILDER_FIELDS[type], 'communicator']);
    if (suggestion) report([...at, field], `unknown ${type} builder field '${field}'${suggestion}`, 'key');
  }
}

/**
 * The fields `config` sets (a builder, or a stage's override of it), checked in `merged` (what the stage
 * bakes with): exclusive fields, and the local files named. Each problem is reported where `config` has it.
 */
function checkFieldValues(config: Raw, merged: Raw, at: Path, report: Report, checkFile: CheckFile): void {
  for (const [field, other] of EXCLUSIVE_FIELDS[String(merged.type)] ?? []) {
    const present = (key: string) => merged[key] !== undefined && merged[key] !== null && merged[key] !== '';
    if (!present(field) || !present(other) || (config[field] === undefined && config[other] === undefined)) continue;
    const where = config[field] !== undefined ? field : other;
    report([...at, where], `'${field}' and '${other}' cannot both be set: give one`, 'key');
  }
  for (const { key, what } of builderFileKeys(merged)) {
    if (typeof config[key] === 'string') checkFile(config[key] as string, [...at, key], what);
  }
}

function checkCommunicator(config: Raw, at: Path, type: unknown, report: Report): void {
  const value = config.communicator;
  if (value === undefined) return;
  const path = [...at, 'communicator'];
  if (typeof value !== 'string') {
    report(path, `'communicator' must be a string`, 'value');
    return;
  }
  const allowed = isBuilderType(type) ? BUILDER_COMMUNICATORS[type] : COMMUNICATORS;
  if (allowed.includes(value)) return;
  if (isBuilderType(type) && COMMUNICATORS.includes(value)) {
    report(path, `the ${type} builder has no '${value}' communicator (it uses ${quoted(allowed)})`, 'value');
  } else {
    report(path, `unknown communicator '${value}' (expected ${quoted(allowed)})${didYouMean(value, allowed)}`, 'value');
  }
}
